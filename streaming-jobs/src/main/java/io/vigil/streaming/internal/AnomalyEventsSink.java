package io.vigil.streaming.internal;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;

import io.vigil.schemas.KafkaHeaders;
import java.util.Map;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each micro-batch of anomaly events to the Delta table and the Kafka anomalies topic.
 * foreachBatch alone is at-least-once, so both writes are made safe to repeat. The Delta append
 * names the query (an id stable per checkpoint) and the batch (see {@link BatchCommits}), so a
 * batch replayed after a crash appends nothing, without the cost of a MERGE. Kafka has no such guard:
 * the resend is at-least-once, and consumers deduplicate on the deterministic event id (the
 * {@code vigil.event-id} header). Kafka goes first: it is where the alerts are awaited, and a GAP
 * should not wait for a Delta commit. If the Delta append then fails, the retried batch resends
 * to Kafka (a duplicate by id) and appends; if Kafka fails, nothing was appended yet.
 */
public final class AnomalyEventsSink implements VoidFunction2<Dataset<Row>, Long> {
  private static final long serialVersionUID = 2L;
  private static final Logger LOG = LoggerFactory.getLogger(AnomalyEventsSink.class);

  private final String tablePath;
  private final Map<String, String> kafkaOptions;
  private final String txnAppId;
  private transient BatchCommits commits;

  /**
   * @param txnAppId identifies the writing query; must stay the same across restarts from one
   *     checkpoint and differ between checkpoints (a new checkpoint restarts batch ids at 0)
   */
  public AnomalyEventsSink(String tablePath, Map<String, String> kafkaOptions, String txnAppId) {
    this.tablePath = tablePath;
    this.kafkaOptions = Map.copyOf(kafkaOptions);
    this.txnAppId = txnAppId;
  }

  /** The app id device-watch checkpoints used before they kept one (see CheckpointState#appId(String)). */
  public static String txnAppIdFor(String checkpointPath) {
    return "vigil-device-watch-" + java.util.UUID.nameUUIDFromBytes(
        checkpointPath.getBytes(java.nio.charset.StandardCharsets.UTF_8));
  }

  @Override
  public void call(Dataset<Row> events, Long batchId) {
    // Two writes read the batch: cache it so the stateful step behind it is not computed twice.
    if (commits == null) {
      commits = new BatchCommits(txnAppId);
    }
    commits.begin(batchId);
    Dataset<Row> batch = events.persist();
    try {
      if (batch.isEmpty()) {
        commits.end(batchId);
        return;
      }
      // No dropDuplicates: the watch calls each device once per batch and never emits one anomaly
      // twice in a call, so a batch holds each id once; replays are caught by the batch's commit
      // marker (Delta) and the consumers' dedup (Kafka). Every extra Spark job here delays the next trigger.
      batch.select(
              col("device_id").cast("binary").as("key"),
              col("json").cast("binary").as("value"),
              array(struct(lit(KafkaHeaders.EVENT_ID).as("key"), col("event_id").cast("binary").as("value")))
                  .as("headers"))
          .write().format("kafka").options(kafkaOptions).save();
      commits.append(AnomalyEventRows.toTable(batch), tablePath, batchId);
      commits.end(batchId);
      LOG.info("Anomaly batch {} written to {} and topic {}", batchId, tablePath, kafkaOptions.get("topic"));
    } finally {
      batch.unpersist();
    }
  }
}
