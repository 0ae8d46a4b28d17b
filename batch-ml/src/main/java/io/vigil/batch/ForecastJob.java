package io.vigil.batch;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.vigil.batch.internal.BaselineForecaster;
import io.vigil.batch.internal.DeltaTables;
import io.vigil.batch.internal.ForecastPlan;
import io.vigil.batch.internal.Resampler;
import io.vigil.batch.internal.SeriesForecasts;
import io.vigil.schemas.TableSchemas;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Batch forecasting: silver measurements before {@code as_of} to per-series forecasts for the next
 * H buckets, written to the forecasts Delta table. When the model registry has a current model
 * (see {@link ForecastTraining}) and forecast.model.enabled is on, each series it can serve gets
 * the model's forecasts, tagged with its version; every other series gets seasonal naive or a
 * moving average, whichever had the lower error on a backtest over its last season.
 *
 * <p>Causal: only readings with {@code event_time < as_of} are read, and only complete buckets are
 * used. Idempotent: a run replaces all rows of its {@code as_of} in one Delta commit.
 */
public final class ForecastJob {
  private static final Logger LOG = LoggerFactory.getLogger(ForecastJob.class);
  /** Written into {@code model_version}; bump it when the baselines' behaviour changes. */
  public static final String MODEL_VERSION = SeriesForecasts.MODEL_VERSION;
  public static final String SEASONAL_NAIVE = BaselineForecaster.SEASONAL_NAIVE;
  public static final String MOVING_AVERAGE = BaselineForecaster.MOVING_AVERAGE;

  private ForecastJob() {}

  /** Reads silver, forecasts, and replaces the run's rows in the forecasts table. */
  public static ForecastRunSummary run(SparkSession spark, ForecastJobConfig config, Instant asOf) {
    ForecastPlan plan = ForecastPlan.of(config, asOf);
    LOG.info("Forecasting from {} as of {}: {} buckets of history, horizon {}, season {}",
        config.silverPath(), asOf, plan.historyBuckets(), plan.horizon(), plan.seasonLength());
    Dataset<Row> silver = DeltaTables.readSilver(spark, config.silverPath());
    Optional<SeriesForecasts.Model> model = currentModel(spark, config);
    Dataset<Row> perSeries = SeriesForecasts.perSeries(Resampler.resample(prunePartitions(silver, plan), plan), plan,
        model.orElse(null)).persist();
    try {
      ForecastRunSummary summary = summarise(perSeries, asOf, config.horizon(), model);
      DeltaTables.replaceRun(spark, config.forecastsPath(), plan.asOfMicros(), SeriesForecasts.toForecastRows(perSeries, plan));
      LOG.info("Forecast run {} wrote {} rows to {}: {}", asOf, summary.rowsWritten(), config.forecastsPath(), summary);
      return summary;
    } finally {
      perSeries.unpersist();
    }
  }

  /** Trains, backtests, registers and maybe promotes a model as of {@code asOf}; see {@link ForecastTraining}. */
  public static ForecastTraining.Report train(SparkSession spark, ForecastJobConfig config, Instant asOf, Clock clock) {
    return ForecastTraining.train(spark, config, asOf, clock);
  }

  /**
   * The registry's current model, when forecast.model.enabled is on and one was promoted at the
   * configured resolution; empty means the baselines forecast alone.
   */
  static Optional<SeriesForecasts.Model> currentModel(SparkSession spark, ForecastJobConfig config) {
    if (!config.modelEnabled()) {
      return Optional.empty();
    }
    ModelRegistry registry = ModelRegistry.open(spark, config.modelsPath());
    Optional<ModelMetadata> current = registry.current();
    if (current.isEmpty()) {
      LOG.info("No current model in {}; forecasting with the baselines", registry.root());
      return Optional.empty();
    }
    ModelMetadata meta = current.get();
    if (!meta.step().equals(config.step().toString())) {
      LOG.warn("Current model {} works on {} buckets but forecast.resolution gives {}; forecasting with the baselines",
          meta.version(), meta.step(), config.step());
      return Optional.empty();
    }
    if (!meta.featuresMatchThisVersion()) {
      LOG.warn("Current model {} was trained on features {} but this Vigil computes {}; forecasting with the baselines"
          + " until `vigil train` registers a new model", meta.version(), meta.features(),
          meta.featureSpec() == null ? null : meta.featureSpec().names());
      return Optional.empty();
    }
    double intervalZ = meta.backtest() == null ? Double.NaN : meta.backtest().errorQuantileZ();
    return Optional.of(new SeriesForecasts.Model(registry.load(meta.version()), meta.modelType(), meta.version(), intervalZ));
  }

  /**
   * The rows a run as of {@code asOf} would write, with the registry's current model where it
   * serves (as {@link #run}), without touching the forecasts table.
   */
  public static Dataset<Row> forecast(SparkSession spark, Dataset<Row> measurements, ForecastJobConfig config, Instant asOf) {
    ForecastPlan plan = ForecastPlan.of(config, asOf);
    return SeriesForecasts.toForecastRows(SeriesForecasts.perSeries(Resampler.resample(measurements, plan), plan,
        currentModel(spark, config).orElse(null)), plan);
  }

  /**
   * Silver-shaped measurements (device_id, metric, event_time, value) to one row per bucket and
   * series: device_id, metric, bucket_start, value (mean), readings, imputed.
   */
  public static Dataset<Row> resample(Dataset<Row> measurements, ForecastJobConfig config, Instant asOf) {
    return Resampler.resample(measurements, ForecastPlan.of(config, asOf));
  }

  /** The rows a baselines-only run as of {@code asOf} would write, in {@link TableSchemas#FORECASTS} column order. */
  public static Dataset<Row> forecast(Dataset<Row> measurements, ForecastJobConfig config, Instant asOf) {
    ForecastPlan plan = ForecastPlan.of(config, asOf);
    return SeriesForecasts.toForecastRows(SeriesForecasts.perSeries(Resampler.resample(measurements, plan), plan), plan);
  }

  /**
   * One row per series seen: status (FORECAST, TOO_SHORT, NO_BACKTEST), chosen model,
   * observed_buckets, mase_seasonal_naive, mase_moving_average, interval_half_width, forecasts.
   */
  public static Dataset<Row> evaluate(Dataset<Row> measurements, ForecastJobConfig config, Instant asOf) {
    ForecastPlan plan = ForecastPlan.of(config, asOf);
    return SeriesForecasts.perSeries(Resampler.resample(measurements, plan), plan);
  }

  // event_date is a date in whatever zone the streaming job used; a day of slack either side keeps pruning safe.
  static Dataset<Row> prunePartitions(Dataset<Row> silver, ForecastPlan plan) {
    if (!List.of(silver.columns()).contains("event_date")) {
      return silver;
    }
    return silver.where(expr("event_date >= date_sub(to_date(timestamp_micros(" + plan.startMicros() + ")), 1)"
        + " AND event_date <= date_add(to_date(timestamp_micros(" + plan.endMicros() + ")), 1)"));
  }

  private static ForecastRunSummary summarise(Dataset<Row> perSeries, Instant asOf, int horizon,
      Optional<SeriesForecasts.Model> model) {
    Column forecast = col("status").equalTo(BaselineForecaster.Status.FORECAST.name());
    Column chosenMase = when(col("baseline").equalTo(SEASONAL_NAIVE), col("mase_seasonal_naive")).otherwise(col("mase_moving_average"));
    String modelVersion = model.map(SeriesForecasts.Model::version).orElse(null);
    Row r = perSeries.agg(
        count(lit(1)),
        sum(when(forecast, 1).otherwise(0)),
        sum(when(col("status").equalTo(BaselineForecaster.Status.TOO_SHORT.name()), 1).otherwise(0)),
        sum(when(col("status").equalTo(BaselineForecaster.Status.NO_BACKTEST.name()), 1).otherwise(0)),
        sum(when(col("model").equalTo(SEASONAL_NAIVE), 1).otherwise(0)),
        sum(when(col("model").equalTo(MOVING_AVERAGE), 1).otherwise(0)),
        avg(when(forecast, col("mase_seasonal_naive"))),
        avg(when(forecast, col("mase_moving_average"))),
        avg(when(forecast, chosenMase)),
        sum(when(forecast.and(col("model_version").equalTo(modelVersion == null ? "" : modelVersion)), 1).otherwise(0)))
        .first();
    long forecastSeries = longOrZero(r, 1);
    return new ForecastRunSummary(asOf, longOrZero(r, 0), forecastSeries, longOrZero(r, 2), longOrZero(r, 3),
        longOrZero(r, 4), longOrZero(r, 5), doubleOrNull(r, 6), doubleOrNull(r, 7), doubleOrNull(r, 8),
        forecastSeries * horizon, longOrZero(r, 9), modelVersion);
  }

  private static long longOrZero(Row r, int i) {
    return r.isNullAt(i) ? 0 : ((Number) r.get(i)).longValue();
  }

  private static Double doubleOrNull(Row r, int i) {
    return r.isNullAt(i) ? null : r.getDouble(i);
  }
}
