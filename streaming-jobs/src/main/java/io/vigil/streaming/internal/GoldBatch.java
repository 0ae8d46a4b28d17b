package io.vigil.streaming.internal;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.window;

import io.delta.tables.DeltaTable;
import io.vigil.schemas.TableSchemas;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Gold aggregates as plain functions: silver rows to per device, metric and window partial
 * aggregates, and a MERGE that folds partials into the table. Partials combine exactly (counts and
 * sums add, variance by Chan's parallel formula, first/last by their event times), so a window
 * that gets readings in several batches, late ones included, ends with the same values as if it
 * had been computed at once.
 */
public final class GoldBatch {
  private GoldBatch() {}

  /**
   * One {@link TableSchemas#GOLD} row per device, metric and window of {@code silverRows}.
   *
   * @param expectedIntervalMs per-row expected reporting interval (see {@link #expectedInterval})
   */
  public static Dataset<Row> partials(Dataset<Row> silverRows, Duration windowLength, Column expectedIntervalMs) {
    long windowMs = windowLength.toMillis();
    Dataset<Row> agg = silverRows
        .withColumn("expected_interval_ms", expectedIntervalMs)
        .groupBy(col("device_id"), col("metric"), window(col("event_time"), windowMs + " milliseconds").as("w"))
        .agg(count(lit(1)).as("count"),
            min("value").as("min"),
            max("value").as("max"),
            expr("avg(value)").as("mean"),
            expr("stddev_samp(value)").as("stddev"),
            expr("min_by(value, event_time)").as("first"),
            expr("max_by(value, event_time)").as("last"),
            min("event_time").as("first_time"),
            max("event_time").as("last_time"),
            max("expected_interval_ms").as("expected_interval_ms"));
    return agg
        .withColumn("window_start", col("w.start"))
        .withColumn("window_end", col("w.end"))
        .withColumn("expected_count", expr("greatest(1, cast(round(" + windowMs + " / expected_interval_ms) as bigint))"))
        .withColumn("completeness", expr("least(1.0, count / expected_count)"))
        .select(TablesBatch.columns(TableSchemas.GOLD));
  }

  /**
   * The earliest window start to MERGE from: {@code earliest} rounded down to 60 window lengths
   * (the hour for 1-minute windows). Spark compiles the bound into the MERGE's code; a bound that
   * changes once an hour, not every batch, lets the compiled code be reused.
   */
  public static Timestamp pruneFrom(Timestamp earliest, Duration windowLength) {
    long step = windowLength.toMillis() * 60;
    return new Timestamp(Math.floorDiv(earliest.getTime(), step) * step);
  }

  /** The expected interval of each row's device: an override if it has one, else the default. */
  public static Column expectedInterval(Duration defaultInterval, Map<String, Duration> overrides) {
    if (overrides.isEmpty()) {
      return lit(defaultInterval.toMillis());
    }
    List<Column> kv = new ArrayList<>();
    overrides.forEach((device, d) -> {
      kv.add(lit(device));
      kv.add(lit(d.toMillis()));
    });
    return coalesce(element_at(org.apache.spark.sql.functions.map(kv.toArray(Column[]::new)), col("device_id")),
        lit(defaultInterval.toMillis()));
  }

  /**
   * Folds partials into a gold table, keyed by (device_id, metric, window_start). Not idempotent by
   * itself (a partial merged twice counts twice): the caller makes each batch's MERGE a Delta
   * idempotent transaction.
   *
   * <p>{@code from} is at or before the partials' earliest window start: with it in the condition
   * Delta reads only the gold files whose statistics reach it, so a MERGE costs what recent batches
   * touched, not what the table has grown to (see {@link #pruneFrom}).
   */
  public static void merge(DeltaTable gold, Dataset<Row> partials, Timestamp from) {
    String n = "(t.count + s.count)";
    String m2 = "(coalesce(t.stddev * t.stddev * (t.count - 1), 0) + coalesce(s.stddev * s.stddev * (s.count - 1), 0)"
        + " + (s.mean - t.mean) * (s.mean - t.mean) * t.count * s.count / " + n + ")";
    gold.as("t")
        .merge(partials.as("s"), col("t.window_start").geq(lit(from))
            .and(expr("t.device_id = s.device_id AND t.metric = s.metric AND t.window_start = s.window_start")))
        .whenMatched().updateExpr(Map.ofEntries(
            Map.entry("count", n),
            Map.entry("min", "least(t.min, s.min)"),
            Map.entry("max", "greatest(t.max, s.max)"),
            Map.entry("mean", "(t.mean * t.count + s.mean * s.count) / " + n),
            Map.entry("stddev", "CASE WHEN " + n + " > 1 THEN sqrt(greatest(0, " + m2 + ") / (" + n + " - 1)) END"),
            Map.entry("first", "CASE WHEN s.first_time < t.first_time THEN s.first ELSE t.first END"),
            Map.entry("first_time", "least(t.first_time, s.first_time)"),
            Map.entry("last", "CASE WHEN s.last_time >= t.last_time THEN s.last ELSE t.last END"),
            Map.entry("last_time", "greatest(t.last_time, s.last_time)"),
            Map.entry("expected_count", "s.expected_count"),
            Map.entry("completeness", "least(1.0, " + n + " / s.expected_count)")))
        .whenNotMatched().insertAll()
        .execute();
  }
}
