package io.vigil.streaming;

import io.delta.tables.DeltaTable;
import io.vigil.common.VigilErrors;
import io.vigil.common.VigilException;
import io.vigil.common.internal.Durations;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compaction (OPTIMIZE) and VACUUM of the streaming job's Delta tables, one table at a time, while
 * the job keeps running. Every micro-batch appends small files; compaction rewrites them into few
 * large ones, and vacuum deletes the files that compactions and gold's MERGEs replaced once no
 * table version younger than the retention refers to them.
 *
 * <p>Only partitions older than the recent window are compacted: the job appends to today's, and
 * silver's deduplication reads recent event dates in the same transaction as its append, so a
 * compaction there would conflict with the job's batches (each conflict costs the batch another
 * attempt at its append, see {@code BatchCommits}). Compaction commits carry
 * {@code dataChange=false}, so streaming readers of a table (gold reading silver) skip them instead
 * of reading the rows again.
 */
public final class TableMaintenance {
  private static final Logger LOG = LoggerFactory.getLogger(TableMaintenance.class);

  private TableMaintenance() {}

  /**
   * One table to maintain. Its date partition column is read from the table itself, so it is
   * whatever the job created the table with; an unpartitioned table is compacted whole.
   *
   * @param compact false to vacuum only (gold)
   */
  public record Table(String name, String path, boolean compact) {}

  /** How to maintain: partitions dated on or after {@code asOf - recentWindow} (UTC) are left alone. */
  public record Settings(Duration recentWindow, boolean vacuum, Duration vacuumRetention) {
    public static Settings of(StreamingJobConfig config) {
      return new Settings(config.maintenanceRecentWindow(), config.maintenanceVacuumEnabled(),
          config.maintenanceVacuumRetention());
    }
  }

  /**
   * What happened to one table. File counts and sizes are the table's current version before and
   * after compaction ({@code DESCRIBE DETAIL}); -1 where the step did not get that far.
   *
   * @param compactedWhere the partition predicate compacted, "all files" for a whole table, null if not compacted
   * @param vacuumDeletedFiles files VACUUM deleted, empty when not vacuumed or Delta did not record it
   * @param error why the table failed, null if it did not
   */
  public record Outcome(String table, String path, String compactedWhere, long filesBefore, long bytesBefore,
      long filesAfter, long bytesAfter, boolean vacuumed, OptionalLong vacuumDeletedFiles, Duration duration,
      VigilException error) {
    public boolean ok() {
      return error == null;
    }

    /** One line for stdout, the same fields as the log. */
    public String summaryLine() {
      if (!ok()) {
        return String.format("%-15s FAILED  %s", table, error.getMessage());
      }
      String compaction = compactedWhere == null ? "not compacted"
          : "files " + filesBefore + " -> " + filesAfter + ", bytes " + bytesBefore + " -> " + bytesAfter
              + " (compacted " + compactedWhere + ")";
      String vacuum = !vacuumed ? "not vacuumed"
          : "vacuum deleted " + (vacuumDeletedFiles.isPresent() ? vacuumDeletedFiles.getAsLong() + " files" : "? files");
      return String.format("%-15s OK      %s; %s; %.1f s; %s", table, compaction, vacuum, duration.toMillis() / 1000.0,
          path);
    }
  }

  /** The query of {@link StreamingJob} that writes each table. */
  static final Map<String, String> WRITTEN_BY = Map.of(
      StreamingJobConfig.TABLE_BRONZE, StreamingJobConfig.QUERY_TABLES,
      StreamingJobConfig.TABLE_SILVER, StreamingJobConfig.QUERY_TABLES,
      StreamingJobConfig.TABLE_LATE_DATA, StreamingJobConfig.QUERY_TABLES,
      StreamingJobConfig.TABLE_QUARANTINE, StreamingJobConfig.QUERY_TABLES,
      StreamingJobConfig.TABLE_ATTRIBUTES, StreamingJobConfig.QUERY_TABLES,
      StreamingJobConfig.TABLE_ANOMALY_EVENTS, StreamingJobConfig.QUERY_DEVICE_WATCH,
      StreamingJobConfig.TABLE_GOLD_1M, StreamingJobConfig.QUERY_GOLD,
      StreamingJobConfig.TABLE_GOLD_1H, StreamingJobConfig.QUERY_GOLD);

  /**
   * The tables {@code config} selects, at the paths the job writes them to, compacted ones first.
   * Tables of queries the job does not run ({@code job.queries}) are left out: they do not exist,
   * and a daily run should not fail on them. A selected table that is missing is a failure (a wrong
   * tables.root must not pass as "nothing to do").
   */
  public static List<Table> tables(StreamingJobConfig config) {
    List<Table> out = new ArrayList<>();
    for (String name : config.maintenanceTables()) {
      out.add(new Table(name, config.tablePath(name), true));
    }
    for (String name : config.maintenanceVacuumOnlyTables()) {
      out.add(new Table(name, config.tablePath(name), false));
    }
    List<Table> skipped = out.stream().filter(t -> !config.queries().contains(WRITTEN_BY.get(t.name()))).toList();
    if (!skipped.isEmpty()) {
      LOG.info("Not maintaining {}: written by queries not in {} {}", skipped.stream().map(Table::name).toList(),
          StreamingJobConfig.QUERIES, config.queries());
      out.removeAll(skipped);
    }
    return out;
  }

  /**
   * The first partition date compaction leaves alone: the UTC date of {@code asOf - recentWindow},
   * with asOf never later than the clock's now, so a run given a future logical time cannot reach
   * into partitions the job is writing.
   */
  public static LocalDate firstRecentDate(Instant asOf, Clock clock, Duration recentWindow) {
    Instant now = clock.instant();
    Instant at = asOf == null || asOf.isAfter(now) ? now : asOf;
    return at.minus(recentWindow).atZone(ZoneOffset.UTC).toLocalDate();
  }

  /** Maintains every table in order; a table that fails is reported in its outcome and the others still run. */
  public static List<Outcome> run(SparkSession spark, List<Table> tables, Settings settings, LocalDate firstRecentDate) {
    List<Outcome> outcomes = new ArrayList<>();
    for (Table table : tables) {
      outcomes.add(maintain(spark, table, settings, firstRecentDate));
    }
    return outcomes;
  }

  /** Compacts (if the table is to be compacted) and vacuums (if enabled) one table; never throws. */
  public static Outcome maintain(SparkSession spark, Table table, Settings settings, LocalDate firstRecentDate) {
    long start = System.nanoTime();
    String where = null;
    long[] before = {-1, -1};
    long[] after = {-1, -1};
    OptionalLong deleted = OptionalLong.empty();
    boolean vacuumed = false;
    try {
      DeltaTable delta = DeltaTable.forPath(spark, table.path());
      if (table.compact()) {
        Row detail = delta.detail().select("numFiles", "sizeInBytes", "partitionColumns").first();
        before = new long[] {detail.getLong(0), detail.getLong(1)};
        List<String> partitionColumns = detail.getList(2);
        boolean whole = partitionColumns.isEmpty();
        where = whole ? "all files" : partitionColumns.get(0) + " < DATE'" + firstRecentDate + "'";
        LOG.info("Compacting {} at {} ({}): {} files, {} bytes", table.name(), table.path(), where, before[0], before[1]);
        Row metrics = (whole ? delta.optimize() : delta.optimize().where(where))
            .executeCompaction().select("metrics.numFilesAdded", "metrics.numFilesRemoved").first();
        after = filesAndBytes(delta);
        LOG.info("Compacted {}: {} files rewritten into {}; table now {} files ({} before), {} bytes ({} before)",
            table.name(), metrics.getLong(1), metrics.getLong(0), after[0], before[0], after[1], before[1]);
      }
      if (settings.vacuum()) {
        long versionBefore = latestVersion(delta);
        double hours = settings.vacuumRetention().toMillis() / 3_600_000.0;
        LOG.info("Vacuuming {} at {}: deleting files no version of the last {} refers to", table.name(), table.path(),
            Durations.format(settings.vacuumRetention()));
        delta.vacuum(hours);
        vacuumed = true;
        deleted = vacuumDeletedFiles(delta, versionBefore);
        LOG.info("Vacuumed {}: {} files deleted", table.name(), deleted.isPresent() ? deleted.getAsLong() : "?");
      }
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      LOG.info("Maintenance of {} done in {} ms", table.name(), took.toMillis());
      return new Outcome(table.name(), table.path(), where, before[0], before[1], after[0], after[1], vacuumed, deleted,
          took, null);
    } catch (Exception e) { // AnalysisException is checked in Java's eyes though Scala does not declare it
      VigilException error = VigilErrors.tableMaintenanceFailed(table.name(), table.path(), e);
      LOG.error("{}", error.getMessage(), e);
      return new Outcome(table.name(), table.path(), where, before[0], before[1], after[0], after[1], vacuumed, deleted,
          Duration.ofNanos(System.nanoTime() - start), error);
    }
  }

  private static long[] filesAndBytes(DeltaTable delta) {
    Row detail = delta.detail().select("numFiles", "sizeInBytes").first();
    return new long[] {detail.getLong(0), detail.getLong(1)};
  }

  private static long latestVersion(DeltaTable delta) {
    return delta.history(1).select("version").first().getLong(0);
  }

  /**
   * VACUUM's own count, from the {@code VACUUM END} commit Delta writes when vacuum logging is on
   * (spark.databricks.delta.vacuum.logging.enabled); without it, unknown.
   */
  private static OptionalLong vacuumDeletedFiles(DeltaTable delta, long versionBefore) {
    List<Row> ends = delta.history(4)
        .where(org.apache.spark.sql.functions.col("version").gt(versionBefore)
            .and(org.apache.spark.sql.functions.col("operation").equalTo("VACUUM END")))
        .select("operationMetrics").collectAsList();
    if (ends.isEmpty()) {
      return OptionalLong.empty();
    }
    Map<String, String> metrics = ends.get(0).getJavaMap(0);
    String n = metrics == null ? null : metrics.get("numDeletedFiles");
    return n == null ? OptionalLong.empty() : OptionalLong.of(Long.parseLong(n));
  }
}
