package io.vigil.streaming.internal;

import io.delta.tables.DeltaTable;
import java.util.ConcurrentModificationException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RuntimeConfig;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exactly-once Delta commits for the micro-batches of one query: a batch that Spark replays after
 * a crash skips every table it already committed and writes the others.
 *
 * <p>Each commit names its query and batch in the commit's {@code userMetadata}
 * ({@code vigil-batch app=<app id> batch=<batch id>}, visible in {@code DESCRIBE HISTORY}). Spark
 * replays at most the first batch of a run, so only a batch that does not directly follow one this
 * instance completed is checked: against the newest commits of the table. The marker replaces
 * Delta's {@code txnAppId}/{@code txnVersion} check because in Delta 3.3 that check rebuilds the
 * table's whole state with Spark jobs on every new table version, that is on every batch and table
 * (measured: about 40% of the CPU of a small {@code tables} batch).
 *
 * <p>When none of the newest commits carries this query's marker (its first commit to the table,
 * or a table written by a Vigil version that used only {@code txnAppId}) the write carries the
 * marker and Delta's transaction id as well, and Delta's own check decides, once.
 */
public final class BatchCommits {
  private static final Logger LOG = LoggerFactory.getLogger(BatchCommits.class);
  static final String USER_METADATA_CONF = "spark.databricks.delta.commitInfo.userMetadata";
  static final String TXN_APP_ID_CONF = "spark.databricks.delta.write.txnAppId";
  static final String TXN_VERSION_CONF = "spark.databricks.delta.write.txnVersion";
  /** Newest commits searched for this query's marker; commits by others (OPTIMIZE, manual DML) may lie on top. */
  static final int HISTORY_SCANNED = 200;
  private static final Pattern MARKER = Pattern.compile("^vigil-batch app=(\\S+) batch=(\\d+)$");
  private static final long NONE = Long.MIN_VALUE;
  /** Attempts of one append that keeps conflicting with concurrent commits. */
  static final int APPEND_ATTEMPTS = 3;

  /** How a batch writes one table. */
  enum Mode { SKIP, WRITE, WRITE_WITH_TXN }

  private final String appId;
  private long lastCompleted = NONE;
  private long inProgress = NONE;
  private boolean trusted;
  private final Map<String, Mode> checked = new HashMap<>();

  /** @param appId the writing query's id, stable across restarts from one checkpoint and unique to it */
  public BatchCommits(String appId) {
    this.appId = appId;
  }

  static String marker(String appId, long batchId) {
    return "vigil-batch app=" + appId + " batch=" + batchId;
  }

  /**
   * Starts a batch. A batch right after one this instance completed is new; any other (the first
   * of a run, or one after a batch that failed) may be a replay and is checked table by table.
   */
  public void begin(long batchId) {
    trusted = inProgress == NONE && lastCompleted != NONE && batchId == lastCompleted + 1;
    inProgress = batchId;
    checked.clear();
  }

  /** Ends the batch started by {@link #begin}: every table it meant to write is committed. */
  public void end(long batchId) {
    lastCompleted = batchId;
    inProgress = NONE;
  }

  /**
   * Appends {@code rows} to the Delta table at {@code path} unless this batch already did; returns whether it wrote.
   *
   * <p>An append whose rows read the table it writes (silver's deduplication does) fails when a
   * concurrent commit changed files in what it read, as a compaction by table maintenance does.
   * Nothing was committed then, so it is tried again, {@link #APPEND_ATTEMPTS} times in all, each
   * attempt reading the table anew, before the failure stops the query.
   */
  public boolean append(Dataset<Row> rows, String path, long batchId) {
    Mode mode = mode(rows.sparkSession(), path, batchId);
    if (mode == Mode.SKIP) {
      return false;
    }
    for (int attempt = 1; ; attempt++) {
      var writer = rows.write().format("delta").mode("append").option("userMetadata", marker(appId, batchId));
      if (mode == Mode.WRITE_WITH_TXN) {
        writer = writer.option("txnAppId", appId).option("txnVersion", batchId);
      }
      try {
        writer.save(path);
        return true;
      } catch (RuntimeException e) {
        ConcurrentModificationException conflict = concurrentModification(e);
        if (conflict == null || attempt == APPEND_ATTEMPTS) {
          throw e;
        }
        LOG.warn("Batch {} of {}: append to {} conflicted with a concurrent commit, trying again ({} of {}): {}",
            batchId, appId, path, attempt + 1, APPEND_ATTEMPTS, conflict.getMessage());
      }
    }
  }

  /** Delta's conflicts (its DeltaConcurrentModificationException) are java.util.ConcurrentModificationExceptions. */
  private static ConcurrentModificationException concurrentModification(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConcurrentModificationException c) {
        return c;
      }
    }
    return null;
  }

  /**
   * Runs {@code dml} (a MERGE, UPDATE or DELETE on the table at {@code path}, one commit) as this
   * batch's commit to that table unless the batch already made it; returns whether it ran.
   * Streaming queries run on their own clone of the session, so the settings made here reach this
   * query's statement only, never a concurrent query's.
   */
  public boolean dml(SparkSession spark, String path, long batchId, Runnable dml) {
    Mode mode = mode(spark, path, batchId);
    if (mode == Mode.SKIP) {
      return false;
    }
    RuntimeConfig conf = spark.conf();
    try {
      conf.set(USER_METADATA_CONF, marker(appId, batchId));
      if (mode == Mode.WRITE_WITH_TXN) {
        conf.set(TXN_APP_ID_CONF, appId);
        conf.set(TXN_VERSION_CONF, Long.toString(batchId));
      }
      dml.run();
      return true;
    } finally {
      conf.unset(USER_METADATA_CONF);
      conf.unset(TXN_APP_ID_CONF);
      conf.unset(TXN_VERSION_CONF);
    }
  }

  Mode mode(SparkSession spark, String path, long batchId) {
    if (batchId != inProgress) {
      throw new IllegalStateException("batch " + batchId + " written outside begin/end (in progress: " + inProgress + ")");
    }
    if (trusted) {
      return Mode.WRITE;
    }
    return checked.computeIfAbsent(path, p -> {
      OptionalLong last = lastCommitted(spark, p, appId);
      Mode m = last.isEmpty() ? Mode.WRITE_WITH_TXN : last.getAsLong() >= batchId ? Mode.SKIP : Mode.WRITE;
      LOG.info("Batch {} of {} on {}: last committed batch there {}: {}", batchId, appId, p,
          last.isEmpty() ? "unknown" : last.getAsLong(), m == Mode.SKIP ? "already written, skipped" : "writing");
      return m;
    });
  }

  /** The newest batch id {@code appId} committed to the table, if one of its newest commits says. */
  static OptionalLong lastCommitted(SparkSession spark, String path, String appId) {
    List<Row> history = DeltaTable.forPath(spark, path).history(HISTORY_SCANNED).select("userMetadata").collectAsList();
    for (Row r : history) { // newest first
      if (r.isNullAt(0)) {
        continue;
      }
      Matcher m = MARKER.matcher(r.getString(0));
      if (m.matches() && m.group(1).equals(appId)) {
        return OptionalLong.of(Long.parseLong(m.group(2)));
      }
    }
    return OptionalLong.empty();
  }
}
