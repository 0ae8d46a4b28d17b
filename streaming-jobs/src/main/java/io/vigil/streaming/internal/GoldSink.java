package io.vigil.streaming.internal;

import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;

import io.delta.tables.DeltaTable;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.api.java.function.VoidFunction2;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code gold} query's foreachBatch: new silver rows to gold_1m and gold_1h.
 *
 * <p>On restart from the same checkpoint Spark replays the unfinished batch; each MERGE names the
 * checkpoint's app id and the batch (see {@link BatchCommits}), so a table that already merged the
 * batch skips it and the other catches up: no window counts a reading twice.
 * A new gold checkpoint re-reads all of silver, so the job empties both gold tables first (see
 * StreamingJob) and gold is rebuilt from silver.
 */
public final class GoldSink implements VoidFunction2<Dataset<Row>, Long> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(GoldSink.class);

  private final String gold1m;
  private final String gold1h;
  private final Duration defaultInterval;
  private final Map<String, Duration> overrides;
  private final String checkpoint;
  private final transient JobMetrics metrics;
  private transient BatchCommits commits;

  public GoldSink(String gold1m, String gold1h, Duration defaultInterval, Map<String, Duration> overrides,
      String checkpoint, JobMetrics metrics) {
    this.gold1m = gold1m;
    this.gold1h = gold1h;
    this.defaultInterval = defaultInterval;
    this.overrides = Map.copyOf(overrides);
    this.checkpoint = checkpoint;
    this.metrics = metrics;
  }

  @Override
  public void call(Dataset<Row> silverBatch, Long batchId) {
    SparkSession spark = silverBatch.sparkSession();
    if (commits == null) {
      commits = new BatchCommits(new CheckpointState(spark, checkpoint).appId().id());
    }
    commits.begin(batchId);
    Dataset<Row> batch = silverBatch.persist(StorageLevel.MEMORY_AND_DISK());
    try {
      if (!batch.isEmpty()) {
        Map<String, Long> rows = new LinkedHashMap<>();
        rows.put("gold_1m", mergeWindows(spark, batch, Duration.ofMinutes(1), gold1m, batchId));
        rows.put("gold_1h", mergeWindows(spark, batch, Duration.ofHours(1), gold1h, batchId));
        if (metrics != null) {
          metrics.tableRows("gold", batchId, rows);
        }
        LOG.debug("gold batch {}: windows merged {}", batchId, rows);
      }
      commits.end(batchId);
    } finally {
      batch.unpersist();
    }
  }

  private long mergeWindows(SparkSession spark, Dataset<Row> batch, Duration length, String path, long batchId) {
    // MERGE reads its source twice: cache the partials so both passes agree and aggregate once.
    Dataset<Row> partials = GoldBatch.partials(batch, length, GoldBatch.expectedInterval(defaultInterval, overrides))
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Row range = partials.agg(count(lit(1)), min("window_start")).first();
      long windows = range.getLong(0);
      if (windows == 0) {
        return 0;
      }
      commits.dml(spark, path, batchId, () -> GoldBatch.merge(DeltaTable.forPath(spark, path), partials,
          GoldBatch.pruneFrom(range.getTimestamp(1), length)));
      return windows;
    } finally {
      partials.unpersist();
    }
  }
}
