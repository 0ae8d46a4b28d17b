package io.vigil.batch.internal;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.lit;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Narrow measurements to one mean per (device_id, metric, bucket). Buckets without readings stay
 * absent, except runs of at most {@code fillMaxGap} missing buckets between two observed ones,
 * which are linearly interpolated and flagged {@code imputed}: nothing is invented across a long
 * gap or beyond either end of the data.
 *
 * <p>Output columns: device_id, metric, bucket_start (timestamp), value (double), readings (long,
 * 0 when imputed), imputed (boolean).
 */
public final class Resampler {
  private Resampler() {}

  public static Dataset<Row> resample(Dataset<Row> measurements, ForecastPlan plan) {
    long b = plan.bucketMicros();
    Dataset<Row> observed = measurements
        .where(expr("event_time >= timestamp_micros(" + plan.startMicros() + ") AND event_time < timestamp_micros(" + plan.endMicros() + ")"))
        .groupBy(col("device_id"), col("metric"), expr("unix_micros(event_time) div " + b).as("bucket_idx"))
        .agg(avg("value").as("value"), count(lit(1)).as("readings"))
        .withColumn("imputed", lit(false));
    Dataset<Row> grid = observed;
    if (plan.fillMaxGap() > 0) {
      WindowSpec series = Window.partitionBy("device_id", "metric").orderBy("bucket_idx");
      Dataset<Row> filled = observed
          .withColumn("next_idx", lead("bucket_idx", 1).over(series))
          .withColumn("next_value", lead("value", 1).over(series))
          .where(expr("next_idx - bucket_idx - 1 BETWEEN 1 AND " + plan.fillMaxGap()))
          .selectExpr("device_id", "metric", "bucket_idx", "value", "next_idx", "next_value",
              "explode(sequence(CAST(1 AS BIGINT), next_idx - bucket_idx - 1)) AS k")
          .selectExpr("device_id", "metric", "bucket_idx + k AS bucket_idx",
              "value + (next_value - value) * k / (next_idx - bucket_idx) AS value",
              "CAST(0 AS BIGINT) AS readings", "true AS imputed");
      grid = observed.unionByName(filled);
    }
    return grid.selectExpr("device_id", "metric", "timestamp_micros(bucket_idx * " + b + ") AS bucket_start",
        "value", "readings", "imputed");
  }
}
