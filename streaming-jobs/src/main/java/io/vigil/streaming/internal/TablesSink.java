package io.vigil.streaming.internal;

import io.vigil.schemas.KafkaHeaders;
import io.vigil.schemas.TelemetryParser;
import io.vigil.streaming.TelemetryParsing;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
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
 * <p>Exactly once: every Delta append names the checkpoint's app id and the batch id (see
 * {@link BatchCommits}), so when Spark replays a batch after a crash, each table that already
 * committed it skips the write and the others catch up. The replay must split rows the same way,
 * so the watermarks it uses are those persisted after the batch before it, never its own.
 *
 * <p>Cost: per batch the records are read from Kafka once and parsed once (bronze rows and parsed
 * rows are kept for the batch), then each table is one write; counts come from one summary pass
 * and from counters riding along the writes, not from extra passes.
 */
public final class TablesSink implements VoidFunction2<Dataset<Row>, Long> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(TablesSink.class);
  static final String WATERMARKS = "watermarks";

  /** Table locations of one job. */
  public record Paths(String bronze, String silver, String lateData, String quarantine, String attributes)
      implements java.io.Serializable {}

  private final Paths paths;
  private final TelemetryParser parser;
  private final Map<String, TelemetryParser> routes;
  private final Set<String> unknownRoutesLogged = new HashSet<>();
  private final long delayMs;
  private final String checkpoint;
  private final transient JobMetrics metrics;
  private transient BatchCommits commits;

  public TablesSink(Paths paths, TelemetryParser parser, long delayMs, String checkpoint, JobMetrics metrics) {
    this(paths, parser, Map.of(), delayMs, checkpoint, metrics);
  }

  /** @param routes the parser of each bridge route by name; others and records without one get {@code parser} */
  public TablesSink(Paths paths, TelemetryParser parser, Map<String, TelemetryParser> routes, long delayMs,
      String checkpoint, JobMetrics metrics) {
    this.paths = paths;
    this.parser = parser;
    this.routes = Map.copyOf(routes);
    this.delayMs = delayMs;
    this.checkpoint = checkpoint;
    this.metrics = metrics;
  }

  @Override
  public void call(Dataset<Row> kafkaBatch, Long batchId) {
    SparkSession spark = kafkaBatch.sparkSession();
    CheckpointState state = new CheckpointState(spark, checkpoint);
    if (commits == null) {
      commits = new BatchCommits(state.appId().id());
    }
    commits.begin(batchId);
    long ingestMs = System.currentTimeMillis();
    // Bronze rows are kept for the batch and parsed from: Kafka is read once and each record's
    // headers are turned into bronze's map once, not again for the parser.
    Dataset<Row> bronze = TablesBatch.bronze(kafkaBatch, ingestMs).persist(StorageLevel.MEMORY_AND_DISK());
    Dataset<Row> classified = null;
    try {
      append(bronze, paths.bronze(), batchId);
      OptionalLong previousBatch = state.latestBefore(WATERMARKS, batchId);
      Dataset<Row> previous = previousBatch.isPresent()
          ? spark.read().schema(TablesBatch.WATERMARK_SCHEMA).parquet(state.batchDir(WATERMARKS, previousBatch.getAsLong()).toString())
          : TablesBatch.emptyWatermarks(spark);
      classified = TablesBatch.classify(TelemetryParsing.parse(bronze, parser, routes), previous, delayMs)
          .persist(StorageLevel.MEMORY_AND_DISK());
      TablesBatch.Summary summary = TablesBatch.summarize(classified);
      if (summary.quarantine() > 0) {
        append(TelemetryParsing.toQuarantine(classified), paths.quarantine(), batchId);
      }
      RowCounter lateRows = new RowCounter(spark, "late_data");
      if (summary.late() > 0) {
        append(lateRows.counting(TablesBatch.lateData(classified)), paths.lateData(), batchId);
      }
      RowCounter attributeRows = new RowCounter(spark, "attributes");
      if (summary.attributes() > 0) {
        Dataset<Row> existing = TablesBatch.attributesBetween(spark.read().format("delta").load(paths.attributes()),
            summary.attributesFromMs(), summary.attributesToMs());
        append(attributeRows.counting(TablesBatch.notYetInAttributes(TablesBatch.attributeCandidates(classified), existing)),
            paths.attributes(), batchId);
      }
      RowCounter candidates = new RowCounter(spark, "silver candidates");
      RowCounter silverRows = new RowCounter(spark, "silver");
      if (summary.silver() > 0) {
        Dataset<Row> existing = TablesBatch.silverBetween(spark.read().format("delta").load(paths.silver()),
            summary.silverFromMs(), summary.silverToMs());
        Dataset<Row> unique = candidates.counting(TablesBatch.silverCandidates(classified));
        append(silverRows.counting(TablesBatch.notYetInSilver(unique, existing)), paths.silver(), batchId);
      }

      // After the tables: a crash before this line replays the batch with the same previous state.
      TablesBatch.nextWatermarks(previous, classified).coalesce(1).write().mode("overwrite")
          .parquet(state.batchDir(WATERMARKS, batchId).toString());
      state.deleteBefore(WATERMARKS, batchId - 1);
      commits.end(batchId);

      Map<String, Long> rows = new LinkedHashMap<>();
      rows.put("bronze", summary.records());
      rows.put("silver", silverRows.value());
      rows.put("late_data", lateRows.value());
      rows.put("quarantine", summary.quarantine());
      rows.put("attributes", attributeRows.value());
      // No candidate counted: a replayed batch found silver already committed, nothing was dropped.
      long duplicates = candidates.value() == 0 ? 0 : summary.silver() - silverRows.value();
      if (metrics != null) {
        metrics.tableRows("tables", batchId, rows);
        metrics.count("late_within_watermark", summary.outOfOrder());
        metrics.count("duplicates_dropped", duplicates);
        summary.recordsPerRoute().forEach((route, n) -> metrics.routeRecords(route, n));
      }
      countUnknownRoutes(summary.recordsPerRoute());
      LOG.debug("tables batch {}: {} ({} out of order within the watermark, {} duplicates dropped)", batchId, rows,
          summary.outOfOrder(), duplicates);
    } finally {
      if (classified != null) {
        classified.unpersist();
      }
      bronze.unpersist();
    }
  }

  /**
   * A route the bridge stamped but this job has no mapping for was parsed with the default parser:
   * most likely a route added to the bridge and not to the job. Counted every batch, logged once
   * per route and run.
   */
  private void countUnknownRoutes(Map<String, Long> perRoute) {
    perRoute.forEach((route, n) -> {
      // The bridge's own route when it has no routes configured: its parser is the parser.* defaults, as the job's.
      if (route.equals(TablesBatch.NO_ROUTE) || routes.containsKey(route) || route.equals(KafkaHeaders.DEFAULT_ROUTE)) {
        return;
      }
      if (metrics != null) {
        metrics.count("unknown_route_records", n);
      }
      if (unknownRoutesLogged.add(route)) {
        LOG.warn("Records from bridge route '{}' (header {}) were parsed with the default parser: the job has no route of"
            + " that name (its routes: {}). Give the job the bridge's routes: {}=<the bridge's properties file>, or add"
            + " '{}' to {} with its mapping keys.", route, KafkaHeaders.BRIDGE_ROUTE, routes.keySet(),
            io.vigil.streaming.StreamingJobConfig.PARSER_BRIDGE_CONFIG, route, io.vigil.streaming.StreamingJobConfig.PARSER_ROUTES);
      }
    });
  }

  private void append(Dataset<Row> rows, String path, long batchId) {
    commits.append(rows, path, batchId);
  }
}
