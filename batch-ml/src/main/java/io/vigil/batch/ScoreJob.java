package io.vigil.batch;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.countDistinct;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.delta.tables.DeltaTable;
import io.vigil.batch.internal.DeltaTables;
import io.vigil.batch.internal.ScorePlan;
import io.vigil.batch.internal.Scoring;
import io.vigil.batch.internal.SeriesForecasts;
import io.vigil.batch.internal.SeriesScorer;
import io.vigil.common.VigilErrors;
import io.vigil.schemas.AnomalySource;
import io.vigil.schemas.TableSchemas;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batch anomaly scoring of the window {@code [as_of - score.interval, as_of)}: every reading gets a
 * one-step-ahead forecast (the registry's current model, or seasonal naive when none is registered
 * or it cannot serve a series), a residual, a robust z against its series' history and a score in
 * [0, 1]; spikes, level shifts and drift are detected (see {@code SeriesScorer}). The readings go to
 * the scores table, the anomalies starting in the window to the batch anomalies table and the Kafka
 * anomalies topic.
 *
 * <p>Idempotent per window: only data before as_of is read and every output is a function of it, a
 * run replaces its window's rows in both Delta tables (one commit each), and event ids are derived
 * from kind, source, device, metric and start, so a rerun republishes the same ids. Delta is written
 * before Kafka: if publishing fails, the rerun rewrites the same rows and publishes again (consumers
 * deduplicate on the id).
 */
public final class ScoreJob {
  private static final Logger LOG = LoggerFactory.getLogger(ScoreJob.class);

  /** What a run did. {@code forecaster} says whose forecasts the residuals are against. */
  public record Summary(Instant windowStart, Instant asOf, String forecaster, long seriesScored, long readingsWritten,
      long readingsScored, long anomalousReadings, long events, long spikes, long levelShifts, long drifts,
      long deviations, boolean published) {}

  private ScoreJob() {}

  public static ScorePlan plan(ForecastJobConfig config, Instant asOf) {
    long asOfMicros = ChronoUnit.MICROS.between(Instant.EPOCH, asOf);
    long windowStart = asOfMicros - config.scoreInterval().toNanos() / 1_000;
    return new ScorePlan(asOfMicros, windowStart, windowStart - config.scoreHistory().toNanos() / 1_000,
        config.step().toNanos() / 1_000, config.seasonLength(), config.historyBuckets(), config.scoreThreshold(),
        config.scoreCriticalThreshold(), config.scoreMaxLog10p(), config.scoreMinHistoryPoints(), config.scoreSpikeMaxRun(),
        config.scoreShiftWindow().toNanos() / 1_000, config.scoreShiftSigmas(), config.scoreShiftMinReadings(),
        config.scoreDriftBuckets(), config.scoreDriftMinBuckets(), config.scoreDriftZ(), config.scoreDriftAgreement(), config.scoreDriftSigmas(),
        quietBuckets(min(config.scoreDriftQuiet(), config.scoreHistory()), config.step()), config.scoreGapFactor(),
        config.scoreScaleFloorRelative(), config.scoreScaleFloorAbsolute(), config.scoreReferenceReadings(),
        config.scoreReferenceMinReadings(), config.movingAverageWindow());
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }

  /** A quiet time in buckets, rounded up: at least the time asked for, and at least one bucket. */
  static int quietBuckets(Duration quiet, Duration step) {
    long b = step.toNanos();
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (quiet.toNanos() + b - 1) / b));
  }

  /** Reads silver, scores the window, and replaces its rows in the scores and anomalies tables; publishes events. */
  public static Summary run(SparkSession spark, ForecastJobConfig config, Instant asOf) {
    Dataset<Row> silver = DeltaTables.readSilver(spark, config.silverPath());
    return run(spark, silver, config, asOf);
  }

  /** As {@link #run(SparkSession, ForecastJobConfig, Instant)} on silver-shaped measurements. */
  public static Summary run(SparkSession spark, Dataset<Row> measurements, ForecastJobConfig config, Instant asOf) {
    ScorePlan plan = plan(config, asOf);
    Optional<SeriesForecasts.Model> model = ForecastJob.currentModel(spark, config);
    String forecaster = model.map(m -> m.name() + " " + m.version())
        .orElse(SeriesScorer.SEASONAL_NAIVE + " (no current model in " + config.modelsPath() + ")");
    LOG.info("Scoring [{}, {}) against {}; history {}, threshold {} (|z| >= {})", Instant.EPOCH.plus(plan.windowStartMicros(),
        ChronoUnit.MICROS), asOf, forecaster, config.scoreHistory(), plan.threshold(),
        String.format(java.util.Locale.ROOT, "%.2f", io.vigil.batch.internal.ScoreCalibration.zFor(plan.threshold(), plan.maxLog10p())));
    Dataset<Row> pruned = measurements.where(col("event_time").geq(lit(java.sql.Timestamp.from(
        Instant.EPOCH.plus(plan.contextStartMicros(), ChronoUnit.MICROS))))).where(col("event_time").lt(lit(java.sql.Timestamp.from(asOf))));
    Dataset<SeriesScorer.Result> results = Scoring.score(Scoring.seriesInputs(pruned, plan, config.fillMaxGap()), plan,
        model.orElse(null)).persist();
    try {
      Dataset<Row> scores = Scoring.scoreRows(results, plan);
      Dataset<Row> events = Scoring.eventRows(results).persist();
      try {
        replaceWindow(spark, config.scoresPath(), "scores", TableSchemas.ANOMALY_SCORES,
            "window_start = timestamp_micros(" + plan.windowStartMicros() + ")", scores);
        replaceWindow(spark, config.anomaliesPath(), "batch anomalies", TableSchemas.ANOMALY_EVENTS,
            "source = '" + AnomalySource.BATCH.name() + "' AND detected_at = timestamp_micros(" + plan.asOfMicros() + ")",
            Scoring.eventTableRows(events));
        long eventCount = events.count();
        boolean published = false;
        if (config.scorePublish() && eventCount > 0) {
          Scoring.kafkaRecords(events).write().format("kafka").options(config.kafkaSinkOptions()).save();
          published = true;
        }
        Summary summary = summarise(spark, config.scoresPath(), plan, events, forecaster, published);
        LOG.info("Score run {} done: {}", asOf, summary);
        return summary;
      } finally {
        events.unpersist();
      }
    } finally {
      results.unpersist();
    }
  }

  private static void replaceWindow(SparkSession spark, String path, String role, StructType contract, String predicate,
      Dataset<Row> rows) {
    if (DeltaTable.isDeltaTable(spark, path)) {
      List<String> have = List.of(DeltaTable.forPath(spark, path).toDF().schema().fieldNames());
      List<String> missing = java.util.Arrays.stream(contract.fieldNames()).filter(n -> !have.contains(n)).toList();
      if (!missing.isEmpty()) {
        throw VigilErrors.tableSchemaMismatch(role, path, "columns " + missing + " are missing");
      }
    } else {
      DeltaTable.createIfNotExists(spark).location(path).addColumns(contract).execute();
    }
    // One commit: the window's old rows go and the new ones arrive together, so readers never see half a run.
    rows.write().format("delta").mode("overwrite").option("replaceWhere", predicate).save(path);
  }

  private static Summary summarise(SparkSession spark, String scoresPath, ScorePlan plan, Dataset<Row> events,
      String forecaster, boolean published) {
    Row s = spark.read().format("delta").load(scoresPath)
        .where("window_start = timestamp_micros(" + plan.windowStartMicros() + ")")
        .agg(countDistinct(col("device_id"), col("metric")), count(lit(1)),
            sum(when(col("status").equalTo(SeriesScorer.SCORED), 1).otherwise(0)),
            sum(when(col("anomalous"), 1).otherwise(0)))
        .first();
    Row e = events.agg(count(lit(1)), sum(when(col("kind").equalTo("SPIKE"), 1).otherwise(0)),
        sum(when(col("kind").equalTo("LEVEL_SHIFT"), 1).otherwise(0)), sum(when(col("kind").equalTo("DRIFT"), 1).otherwise(0)),
        sum(when(col("kind").equalTo("FORECAST_DEVIATION"), 1).otherwise(0))).first();
    return new Summary(Instant.EPOCH.plus(plan.windowStartMicros(), ChronoUnit.MICROS),
        Instant.EPOCH.plus(plan.asOfMicros(), ChronoUnit.MICROS), forecaster, n(s, 0), n(s, 1), n(s, 2), n(s, 3), n(e, 0),
        n(e, 1), n(e, 2), n(e, 3), n(e, 4), published);
  }

  private static long n(Row r, int i) {
    return r.isNullAt(i) ? 0 : ((Number) r.get(i)).longValue();
  }
}
