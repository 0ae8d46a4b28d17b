package io.vigil.streaming.internal;

import io.vigil.schemas.TelemetryParser;
import io.vigil.streaming.TelemetryParsing;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code tables} query's foreachBatch: one Kafka read feeds bronze, quarantine, late_data and
 * silver.
 *
 * <p>Exactly once: every Delta append carries txnAppId (the checkpoint's app id) and
 * txnVersion = batch id, so when Spark replays a batch after a crash, each table that already
 * committed it skips the write and the others catch up. The replay must split rows the same way,
 * so the watermarks it uses are those persisted after the batch before it, never its own.
 */
public final class TablesSink implements VoidFunction2<Dataset<Row>, Long> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(TablesSink.class);
  static final String WATERMARKS = "watermarks";

  /** Table locations of one job. */
  public record Paths(String bronze, String silver, String lateData, String quarantine) implements java.io.Serializable {}

  private final Paths paths;
  private final TelemetryParser parser;
  private final long delayMs;
  private final String checkpoint;
  private final transient JobMetrics metrics;
  private transient String appId;

  public TablesSink(Paths paths, TelemetryParser parser, long delayMs, String checkpoint, JobMetrics metrics) {
    this.paths = paths;
    this.parser = parser;
    this.delayMs = delayMs;
    this.checkpoint = checkpoint;
    this.metrics = metrics;
  }

  @Override
  public void call(Dataset<Row> kafkaBatch, Long batchId) {
    SparkSession spark = kafkaBatch.sparkSession();
    CheckpointState state = new CheckpointState(spark, checkpoint);
    if (appId == null) {
      appId = state.appId().id();
    }
    long ingestMs = System.currentTimeMillis();
    // Bronze and the parser both read the batch: cached once, Kafka is read once.
    Dataset<Row> raw = kafkaBatch.persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> classified = null;
    Dataset<Row> silver = null;
    try {
      long records = raw.count();
      if (records == 0) {
        return;
      }
      OptionalLong previousBatch = state.latestBefore(WATERMARKS, batchId);
      Dataset<Row> previous = previousBatch.isPresent()
          ? spark.read().schema(TablesBatch.WATERMARK_SCHEMA).parquet(state.batchDir(WATERMARKS, previousBatch.getAsLong()).toString())
          : TablesBatch.emptyWatermarks(spark);
      classified = TablesBatch.classify(TelemetryParsing.parse(raw, parser), previous, delayMs)
          .persist(StorageLevel.MEMORY_AND_DISK());
      Map<String, Long> classes = new LinkedHashMap<>();
      long outOfOrder = 0;
      for (Row r : classified.groupBy("row_class", "out_of_order").count().collectAsList()) {
        classes.merge(r.getString(0), r.getLong(2), Long::sum);
        if (!r.isNullAt(1) && r.getBoolean(1)) {
          outOfOrder += r.getLong(2);
        }
      }

      append(TablesBatch.bronze(raw, ingestMs), paths.bronze(), batchId);
      if (classes.getOrDefault(TablesBatch.QUARANTINE, 0L) > 0) {
        append(TelemetryParsing.toQuarantine(classified), paths.quarantine(), batchId);
      }
      long late = 0;
      if (classes.getOrDefault(TablesBatch.LATE, 0L) > 0) {
        Dataset<Row> lateRows = TablesBatch.lateData(classified).persist(StorageLevel.MEMORY_AND_DISK());
        try {
          late = lateRows.count();
          append(lateRows, paths.lateData(), batchId);
        } finally {
          lateRows.unpersist();
        }
      }
      long silverRows = 0;
      long candidates = 0;
      if (classes.getOrDefault(TablesBatch.SILVER, 0L) > 0) {
        Dataset<Row> candidateRows = TablesBatch.silverCandidates(classified);
        silver = TablesBatch.notYetInSilver(candidateRows, spark.read().format("delta").load(paths.silver()))
            .persist(StorageLevel.MEMORY_AND_DISK());
        silverRows = silver.count();
        candidates = classes.get(TablesBatch.SILVER);
        append(silver, paths.silver(), batchId);
      }

      // After the tables: a crash before this line replays the batch with the same previous state.
      TablesBatch.nextWatermarks(previous, classified).coalesce(1).write().mode("overwrite")
          .parquet(state.batchDir(WATERMARKS, batchId).toString());
      state.deleteBefore(WATERMARKS, batchId - 1);

      Map<String, Long> rows = new LinkedHashMap<>();
      rows.put("bronze", records);
      rows.put("silver", silverRows);
      rows.put("late_data", late);
      rows.put("quarantine", classes.getOrDefault(TablesBatch.QUARANTINE, 0L));
      if (metrics != null) {
        metrics.tableRows("tables", batchId, rows);
        metrics.count("late_within_watermark", outOfOrder);
        metrics.count("duplicates_dropped", candidates - silverRows);
      }
      LOG.debug("tables batch {}: {} ({} out of order within the watermark, {} duplicates dropped)", batchId, rows,
          outOfOrder, candidates - silverRows);
    } finally {
      if (silver != null) {
        silver.unpersist();
      }
      if (classified != null) {
        classified.unpersist();
      }
      raw.unpersist();
    }
  }

  private void append(Dataset<Row> rows, String path, long batchId) {
    rows.write().format("delta").mode("append")
        .option("txnAppId", appId)
        .option("txnVersion", batchId)
        .save(path);
  }
}
