package io.vigil.batch.internal;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.struct;

import io.vigil.schemas.TableSchemas;
import java.util.Arrays;
import java.util.List;
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
 * {@link BaselineForecaster} on it, and spreads the result into {@link TableSchemas#FORECASTS} rows.
 * The per-series result (status, both backtest MASEs) is kept as its own dataset so a run can
 * report on it and the scoring job can later reuse it.
 */
public final class SeriesForecasts {
  public static final String MODEL_VERSION = "baseline-1";

  /** One row per series seen in the history window. */
  public static final StructType SERIES_SCHEMA = new StructType()
      .add("device_id", DataTypes.StringType, false)
      .add("metric", DataTypes.StringType, false)
      .add("status", DataTypes.StringType, false)
      .add("model", DataTypes.StringType, true)
      .add("observed_buckets", DataTypes.IntegerType, false)
      .add("mase_seasonal_naive", DataTypes.DoubleType, true)
      .add("mase_moving_average", DataTypes.DoubleType, true)
      .add("interval_half_width", DataTypes.DoubleType, true)
      .add("forecasts", DataTypes.createArrayType(DataTypes.DoubleType, false), true);

  private SeriesForecasts() {}

  public static Dataset<Row> perSeries(Dataset<Row> resampled, ForecastPlan plan) {
    return resampled
        .select(col("device_id"), col("metric"),
            struct(expr("unix_micros(bucket_start) div " + plan.bucketMicros()).as("idx"), col("value"), col("imputed")).as("point"))
        .groupBy("device_id", "metric")
        .agg(collect_list("point").as("points"))
        .map((MapFunction<Row, Row>) row -> forecastOne(row, plan), Encoders.row(SERIES_SCHEMA));
  }

  static Row forecastOne(Row row, ForecastPlan plan) {
    int n = plan.historyBuckets();
    double[] y = new double[n];
    boolean[] imputed = new boolean[n];
    Arrays.fill(y, Double.NaN);
    List<Row> points = row.getList(2);
    for (Row p : points) {
      long i = p.getLong(0) - plan.startIdx();
      if (i >= 0 && i < n) {
        y[(int) i] = p.getDouble(1);
        imputed[(int) i] = p.getBoolean(2);
      }
    }
    BaselineForecaster forecaster = new BaselineForecaster(plan.seasonLength(), plan.movingAverageWindow(),
        plan.minObservedBuckets(), plan.intervalCoverage());
    BaselineForecaster.Result r = forecaster.forecast(y, imputed, plan.stepsToLastTarget());
    double[] targets = r.forecasts() == null ? null
        : Arrays.copyOfRange(r.forecasts(), r.forecasts().length - plan.horizon(), r.forecasts().length);
    return RowFactory.create(row.getString(0), row.getString(1), r.status().name(), r.model(), r.observedBuckets(),
        finiteOrNull(r.maseSeasonalNaive()), finiteOrNull(r.maseMovingAverage()), finiteOrNull(r.intervalHalfWidth()),
        targets);
  }

  /** The FORECASTS rows of the series that got forecasts, columns in contract order. */
  public static Dataset<Row> toForecastRows(Dataset<Row> perSeries, ForecastPlan plan) {
    long b = plan.bucketMicros();
    Dataset<Row> exploded = perSeries
        .where(col("status").equalTo(BaselineForecaster.Status.FORECAST.name()))
        .selectExpr("device_id", "metric", "model", "interval_half_width", "posexplode(forecasts) AS (pos, forecast)");
    Column[] columns = {
        col("device_id"),
        col("metric"),
        col("model"),
        expr("'" + MODEL_VERSION + "'").as("model_version"),
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
