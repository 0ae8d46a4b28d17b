package io.vigil.batch.internal;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import io.vigil.schemas.TableSchemas;
import java.util.Arrays;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The Spark side of forecasting: gathers each resampled series onto its history grid, runs
 * {@link BaselineForecaster} on it and, when a registered model is given, the model too, and
 * spreads the result into {@link TableSchemas#FORECASTS} rows. A series gets the model's forecasts
 * when the baselines could forecast it and the model can serve it (its last lags are present);
 * otherwise it keeps the baselines' choice.
 * The per-series result (status, both backtest MASEs) is kept as its own dataset so a run can
 * report on it and the scoring job can later reuse it.
 */
public final class SeriesForecasts {
  public static final String MODEL_VERSION = "baseline-1";

  /** A registered model to forecast with: the forecaster, its version, and its interval width in series scales. */
  public record Model(ModelForecaster forecaster, String name, String version, double intervalZ) implements java.io.Serializable {}

  /**
   * One row per series seen in the history window: {@code model} and {@code model_version} say what
   * its forecasts come from, {@code baseline} which baseline won its one-season backtest (the
   * MASEs are those baselines').
   */
  public static final StructType SERIES_SCHEMA = new StructType()
      .add("device_id", DataTypes.StringType, false)
      .add("metric", DataTypes.StringType, false)
      .add("status", DataTypes.StringType, false)
      .add("model", DataTypes.StringType, true)
      .add("model_version", DataTypes.StringType, true)
      .add("baseline", DataTypes.StringType, true)
      .add("observed_buckets", DataTypes.IntegerType, false)
      .add("mase_seasonal_naive", DataTypes.DoubleType, true)
      .add("mase_moving_average", DataTypes.DoubleType, true)
      .add("interval_half_width", DataTypes.DoubleType, true)
      .add("forecasts", DataTypes.createArrayType(DataTypes.DoubleType, false), true);

  private SeriesForecasts() {}

  public static Dataset<Row> perSeries(Dataset<Row> resampled, ForecastPlan plan) {
    return perSeries(resampled, plan, null);
  }

  /** As {@link #perSeries(Dataset, ForecastPlan)}, forecasting with {@code model} where it can (null: baselines only). */
  public static Dataset<Row> perSeries(Dataset<Row> resampled, ForecastPlan plan, Model model) {
    return ModelTraining.seriesRows(resampled, plan)
        .map((MapFunction<Row, Row>) row -> forecastOne(row, plan, model), Encoders.row(SERIES_SCHEMA));
  }

  static Row forecastOne(Row row, ForecastPlan plan, Model model) {
    SeriesHistory s = ModelTraining.history(row, plan);
    BaselineForecaster forecaster = new BaselineForecaster(plan.seasonLength(), plan.movingAverageWindow(),
        plan.minObservedBuckets(), plan.intervalCoverage());
    int steps = plan.stepsToLastTarget();
    BaselineForecaster.Result r = forecaster.forecast(s.y(), s.imputed(), steps);
    double[] all = r.forecasts();
    String name = r.model();
    String version = r.model() == null ? null : MODEL_VERSION;
    double halfWidth = r.intervalHalfWidth();
    if (model != null && r.status() == BaselineForecaster.Status.FORECAST) {
      ModelForecaster.Forecast f = model.forecaster().forecast(s, steps);
      if (f != null && Arrays.stream(f.values()).allMatch(Double::isFinite)) {
        all = f.values();
        name = model.name();
        version = model.version();
        halfWidth = Double.isFinite(model.intervalZ()) ? model.intervalZ() * f.scale() : Double.NaN;
      }
    }
    double[] targets = all == null ? null : Arrays.copyOfRange(all, all.length - plan.horizon(), all.length);
    return RowFactory.create(s.deviceId(), s.metric(), r.status().name(), name, version, r.model(), r.observedBuckets(),
        finiteOrNull(r.maseSeasonalNaive()), finiteOrNull(r.maseMovingAverage()), finiteOrNull(halfWidth),
        targets);
  }

  /** The FORECASTS rows of the series that got forecasts, columns in contract order. */
  public static Dataset<Row> toForecastRows(Dataset<Row> perSeries, ForecastPlan plan) {
    long b = plan.bucketMicros();
    Dataset<Row> exploded = perSeries
        .where(col("status").equalTo(BaselineForecaster.Status.FORECAST.name()))
        .selectExpr("device_id", "metric", "model", "model_version", "interval_half_width", "posexplode(forecasts) AS (pos, forecast)");
    Column[] columns = {
        col("device_id"),
        col("metric"),
        col("model"),
        col("model_version"),
        expr("timestamp_micros(" + plan.asOfMicros() + ")").as("as_of"),
        expr("timestamp_micros(" + plan.firstTargetIdx() * b + " + pos * " + b + ")").as("target_time"),
        expr("CAST(pos + 1 AS INT)").as("horizon"),
        col("forecast"),
        expr("forecast - interval_half_width").as("lower"),
        expr("forecast + interval_half_width").as("upper")};
    Dataset<Row> rows = exploded.select(columns);
    if (!Arrays.equals(rows.columns(), TableSchemas.FORECASTS.fieldNames())) {
      throw new IllegalStateException("forecast rows drifted from TableSchemas.FORECASTS: " + Arrays.toString(rows.columns()));
    }
    return rows;
  }

  private static Double finiteOrNull(double v) {
    return Double.isFinite(v) ? v : null;
  }
}
