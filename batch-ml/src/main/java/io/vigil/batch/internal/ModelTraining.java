package io.vigil.batch.internal;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.struct;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.regression.GBTRegressionModel;
import org.apache.spark.ml.regression.GBTRegressor;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The Spark side of the model: series gathered onto their grid, training examples spread from
 * them, one gradient-boosted tree model across every series and horizon (the horizon is a
 * feature), and the backtest run per series next to the data.
 */
public final class ModelTraining {
  /** device_id, metric, points: array of struct(idx, value, imputed). */
  public static final StructType EXAMPLE_SCHEMA = new StructType()
      .add("device_id", DataTypes.StringType, false)
      .add("metric", DataTypes.StringType, false)
      .add("origin", DataTypes.IntegerType, false)
      .add("horizon", DataTypes.IntegerType, false)
      .add("features", SQLDataTypes.VectorType(), false)
      .add("label", DataTypes.DoubleType, false);

  /** GBT settings. */
  public record Params(int maxIter, int maxDepth, double stepSize, double subsample, long seed) {}

  private ModelTraining() {}

  /** One row per series: device_id, metric, points (for {@link SeriesHistory#fromPoints}). */
  public static Dataset<Row> seriesRows(Dataset<Row> resampled, ForecastPlan plan) {
    return resampled
        .select(col("device_id"), col("metric"),
            struct(expr("unix_micros(bucket_start) div " + plan.bucketMicros()).as("idx"), col("value"), col("imputed")).as("point"))
        .groupBy("device_id", "metric")
        .agg(collect_list("point").as("points"));
  }

  public static SeriesHistory history(Row seriesRow, ForecastPlan plan) {
    return SeriesHistory.fromPoints(seriesRow, plan.startIdx(), plan.historyBuckets(), plan.bucketMicros());
  }

  /**
   * Training examples with targets at or before {@code lastTarget} (a bucket index in the history,
   * the same for every series: all lie on the plan's grid), each series normalised on its buckets up
   * to that point.
   */
  public static Dataset<Row> examples(Dataset<Row> seriesRows, ForecastPlan plan, FeatureSpec spec, int lastTarget, int stride) {
    return seriesRows.flatMap((FlatMapFunction<Row, Row>) row -> {
      SeriesHistory s = history(row, plan);
      List<Row> out = new ArrayList<>();
      if (lastTarget < 0) {
        return out.iterator();
      }
      Normaliser norm = Normaliser.fit(s, lastTarget + 1);
      for (Features.Example e : Features.examples(s, spec, norm, lastTarget, stride)) {
        out.add(RowFactory.create(s.deviceId(), s.metric(), e.origin(), e.horizon(), Vectors.dense(e.features()), e.label()));
      }
      return out.iterator();
    }, Encoders.row(EXAMPLE_SCHEMA));
  }

  public static GBTRegressionModel fit(Dataset<Row> examples, Params p) {
    return new GBTRegressor()
        .setFeaturesCol("features")
        .setLabelCol("label")
        .setMaxIter(p.maxIter())
        .setMaxDepth(p.maxDepth())
        .setStepSize(p.stepSize())
        .setSubsamplingRate(p.subsample())
        .setSeed(p.seed())
        .fit(examples);
  }

  /** Backtests every series with {@code model}; the scores are small, one per series, so they are collected. */
  public static List<Backtest.SeriesScore> backtest(Dataset<Row> seriesRows, ForecastPlan plan, Backtest.Spec spec,
      ModelForecaster model) {
    return seriesRows.map((MapFunction<Row, Backtest.SeriesScore>) row -> Backtest.run(history(row, plan), spec, model),
        Encoders.javaSerialization(Backtest.SeriesScore.class)).collectAsList();
  }

  /** Every series' backtest errors at each of {@code weights} ({@link Backtest#errorsByWeight}), collected. */
  public static List<Backtest.WeightErrors> errorsByWeight(Dataset<Row> seriesRows, ForecastPlan plan, Backtest.Spec spec,
      ModelForecaster model, double[] weights) {
    return seriesRows.map((MapFunction<Row, Backtest.WeightErrors>) row -> Backtest.errorsByWeight(history(row, plan), spec, model,
        weights), Encoders.javaSerialization(Backtest.WeightErrors.class)).collectAsList();
  }

  /** Backtests every series with the model's correction weighted per origin ({@link Backtest#run}). */
  public static List<Backtest.SeriesScore> backtest(Dataset<Row> seriesRows, ForecastPlan plan, Backtest.Spec spec,
      ModelForecaster model, double[] weightByOrigin) {
    return seriesRows.map((MapFunction<Row, Backtest.SeriesScore>) row -> Backtest.run(history(row, plan), spec, model,
        weightByOrigin), Encoders.javaSerialization(Backtest.SeriesScore.class)).collectAsList();
  }
}
