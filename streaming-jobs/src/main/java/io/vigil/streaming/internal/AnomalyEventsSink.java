package io.vigil.streaming.internal;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;

import io.delta.tables.DeltaTable;
import io.vigil.schemas.KafkaHeaders;
import java.util.Map;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each micro-batch of anomaly events to the Delta table and the Kafka anomalies topic.
 * foreachBatch alone is at-least-once, so both writes are made safe to repeat: the Delta write is a
 * MERGE that inserts only unknown event ids (ids are deterministic, so a replayed batch or a
 * re-detection after a restart inserts nothing), and Kafka consumers deduplicate on the
 * {@code vigil.event-id} header. Delta goes first: if Kafka fails, the retried batch finds the rows
 * already there and only resends to Kafka.
 */
public final class AnomalyEventsSink implements VoidFunction2<Dataset<Row>, Long> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(AnomalyEventsSink.class);

  private final String tablePath;
  private final Map<String, String> kafkaOptions;

  public AnomalyEventsSink(String tablePath, Map<String, String> kafkaOptions) {
    this.tablePath = tablePath;
    this.kafkaOptions = Map.copyOf(kafkaOptions);
  }

  @Override
  public void call(Dataset<Row> events, Long batchId) {
    // Two writes read the batch: cache it so the stateful step behind it is not computed twice.
    Dataset<Row> batch = events.persist();
    try {
      if (batch.isEmpty()) {
        return;
      }
      Dataset<Row> unique = batch.dropDuplicates("event_id");
      DeltaTable.forPath(batch.sparkSession(), tablePath).as("t")
          .merge(AnomalyEventRows.toTable(unique).as("s"), "t.event_id = s.event_id")
          .whenNotMatched().insertAll()
          .execute();
      unique.select(
              col("device_id").cast("binary").as("key"),
              col("json").cast("binary").as("value"),
              array(struct(lit(KafkaHeaders.EVENT_ID).as("key"), col("event_id").cast("binary").as("value")))
                  .as("headers"))
          .write().format("kafka").options(kafkaOptions).save();
      LOG.info("Anomaly batch {}: {} events to {} and topic {}", batchId, unique.count(), tablePath,
          kafkaOptions.get("topic"));
    } finally {
      batch.unpersist();
    }
  }
}
