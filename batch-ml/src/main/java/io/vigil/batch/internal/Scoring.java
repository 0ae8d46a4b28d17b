package io.vigil.batch.internal;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;

import io.vigil.schemas.AnomalyEvent;
import io.vigil.schemas.AnomalyEventJson;
import io.vigil.schemas.KafkaHeaders;
import io.vigil.schemas.TableSchemas;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The Spark side of scoring: silver to per-series inputs (buckets on the plan's grid plus the raw
 * readings since the history start), {@link SeriesScorer} per series, and the results spread into
 * {@link TableSchemas#ANOMALY_SCORES} rows and anomaly-event rows. Plain functions on Datasets.
 */
public final class Scoring {
  /** Score rows with times as epoch microseconds; converted in SQL so the session's java8API setting does not matter. */
  static final StructType SCORE_ROW = new StructType()
      .add("device_id", DataTypes.StringType, false)
      .add("metric", DataTypes.StringType, false)
      .add("event_time_us", DataTypes.LongType, false)
      .add("value", DataTypes.DoubleType, false)
      .add("forecast", DataTypes.DoubleType, true)
      .add("forecast_model", DataTypes.StringType, true)
      .add("model_version", DataTypes.StringType, true)
      .add("residual", DataTypes.DoubleType, true)
      .add("z", DataTypes.DoubleType, true)
      .add("score", DataTypes.DoubleType, true)
      .add("anomalous", DataTypes.BooleanType, false)
      .add("spike", DataTypes.BooleanType, false)
      .add("level_shift", DataTypes.BooleanType, false)
      .add("drift", DataTypes.BooleanType, false)
      .add("kind", DataTypes.StringType, true)
      .add("status", DataTypes.StringType, false)
      .add("center", DataTypes.DoubleType, true)
      .add("scale", DataTypes.DoubleType, true);

  /** Event rows: the table's columns with times in epoch milliseconds, plus the wire JSON. */
  public static final StructType EVENT_ROW = new StructType()
      .add("event_id", DataTypes.StringType, false)
      .add("kind", DataTypes.StringType, false)
      .add("source", DataTypes.StringType, false)
      .add("severity", DataTypes.StringType, false)
      .add("device_id", DataTypes.StringType, false)
      .add("metric", DataTypes.StringType, true)
      .add("start_ms", DataTypes.LongType, false)
      .add("end_ms", DataTypes.LongType, true)
      .add("detected_at_ms", DataTypes.LongType, false)
      .add("value", DataTypes.DoubleType, true)
      .add("expected", DataTypes.DoubleType, true)
      .add("score", DataTypes.DoubleType, true)
      .add("model_version", DataTypes.StringType, true)
      .add("message", DataTypes.StringType, false)
      .add("attributes", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType), true)
      .add("json", DataTypes.StringType, false);

  private Scoring() {}

  /**
   * One row per series with readings in the window: device_id, metric, points (buckets, for
   * {@link SeriesHistory#fromPoints}) and readings (array of struct(t, v), microseconds).
   * {@code measurements} are silver-shaped; only rows before as_of are read.
   */
  public static Dataset<Row> seriesInputs(Dataset<Row> measurements, ScorePlan plan, int fillMaxGap) {
    ForecastPlan grid = gridPlan(plan, fillMaxGap);
    Dataset<Row> buckets = ModelTraining.seriesRows(Resampler.resample(measurements, grid), grid);
    Dataset<Row> readings = measurements
        .where(expr("event_time >= timestamp_micros(" + plan.historyStartMicros() + ") AND event_time < timestamp_micros("
            + plan.asOfMicros() + ")"))
        .where(expr("value IS NOT NULL AND NOT isnan(value) AND abs(value) != double('infinity')"))
        .groupBy("device_id", "metric")
        .agg(collect_list(struct(expr("unix_micros(event_time)").as("t"), col("value").as("v"))).as("readings"),
            expr("max(unix_micros(event_time))").as("last_t"))
        .where(col("last_t").geq(plan.windowStartMicros()))
        .drop("last_t");
    return readings.join(buckets, new String[] {"device_id", "metric"}, "left")
        .select("device_id", "metric", "points", "readings");
  }

  /** The Resampler's view of the grid: complete buckets from the context start to as_of. */
  static ForecastPlan gridPlan(ScorePlan plan, int fillMaxGap) {
    long end = Math.floorDiv(plan.asOfMicros(), plan.bucketMicros());
    return new ForecastPlan(plan.asOfMicros(), plan.bucketMicros(), plan.contextStartIdx(), end, end + 1, 1, plan.season(),
        plan.season(), 1, fillMaxGap, 0.9);
  }

  /** Scores every series; the result holds each series' window rows and events (persist it: two outputs read it). */
  public static Dataset<SeriesScorer.Result> score(Dataset<Row> seriesInputs, ScorePlan plan, SeriesForecasts.Model model) {
    return seriesInputs.map((MapFunction<Row, SeriesScorer.Result>) row -> SeriesScorer.score(input(row, plan), plan, model),
        Encoders.javaSerialization(SeriesScorer.Result.class));
  }

  static SeriesScorer.Input input(Row row, ScorePlan plan) {
    String device = row.getString(0);
    String metric = row.getString(1);
    SeriesHistory grid;
    if (row.isNullAt(2)) {
      double[] y = new double[plan.gridBuckets()];
      Arrays.fill(y, Double.NaN);
      grid = new SeriesHistory(device, metric, plan.contextStartIdx(), plan.bucketMicros(), y, new boolean[y.length]);
    } else {
      grid = SeriesHistory.fromPoints(row, plan.contextStartIdx(), plan.gridBuckets(), plan.bucketMicros());
    }
    List<Row> points = new ArrayList<>(row.getList(3));
    // Equal timestamps (two readings in one microsecond) keep a stable order, so reruns see the same sequence.
    points.sort(Comparator.<Row>comparingLong(p -> p.getLong(0)).thenComparingDouble(p -> p.getDouble(1)));
    long[] t = new long[points.size()];
    double[] v = new double[points.size()];
    for (int i = 0; i < t.length; i++) {
      t[i] = points.get(i).getLong(0);
      v[i] = points.get(i).getDouble(1);
    }
    return new SeriesScorer.Input(grid, t, v);
  }

  /** The window's scored readings in {@link TableSchemas#ANOMALY_SCORES} column order. */
  public static Dataset<Row> scoreRows(Dataset<SeriesScorer.Result> results, ScorePlan plan) {
    Dataset<Row> raw = results.flatMap((FlatMapFunction<SeriesScorer.Result, Row>) r -> {
      List<Row> out = new ArrayList<>(r.readings().size());
      for (SeriesScorer.ScoredReading s : r.readings()) {
        out.add(RowFactory.create(r.deviceId(), r.metric(), s.timeMicros(), s.value(), nan(s.forecast()), s.forecastModel(),
            s.modelVersion(), nan(s.residual()), nan(s.z()), nan(s.score()), s.anomalous(), s.spike(), s.levelShift(),
            s.drift(), s.kind(), s.status(), nan(s.center()), nan(s.scale())));
      }
      return out.iterator();
    }, Encoders.row(SCORE_ROW));
    Dataset<Row> rows = raw
        .withColumn("event_time", expr("timestamp_micros(event_time_us)"))
        .withColumn("window_start", expr("timestamp_micros(" + plan.windowStartMicros() + ")"))
        .withColumn("window_end", expr("timestamp_micros(" + plan.asOfMicros() + ")"));
    return rows.select(columns(TableSchemas.ANOMALY_SCORES));
  }

  /** The events starting in the window, as rows with the wire JSON (see {@link #EVENT_ROW}). */
  public static Dataset<Row> eventRows(Dataset<SeriesScorer.Result> results) {
    return results.flatMap((FlatMapFunction<SeriesScorer.Result, Row>) r -> {
      List<Row> out = new ArrayList<>(r.events().size());
      for (AnomalyEvent e : r.events()) {
        out.add(eventRow(e));
      }
      return out.iterator();
    }, Encoders.row(EVENT_ROW));
  }

  public static Row eventRow(AnomalyEvent e) {
    return RowFactory.create(e.eventId(), e.kind().name(), e.source().name(), e.severity().name(), e.deviceId(), e.metric(),
        e.start().toEpochMilli(), e.end() == null ? null : e.end().toEpochMilli(), e.detectedAt().toEpochMilli(), e.value(),
        e.expected(), e.score(), e.modelVersion(), e.message(),
        scala.collection.JavaConverters.mapAsScalaMap(new java.util.HashMap<>(e.attributes())), AnomalyEventJson.toJson(e));
  }

  /** Event rows in {@link TableSchemas#ANOMALY_EVENTS} column order. */
  public static Dataset<Row> eventTableRows(Dataset<Row> events) {
    return events
        .withColumn("start", expr("timestamp_millis(start_ms)"))
        .withColumn("end", expr("timestamp_millis(end_ms)"))
        .withColumn("detected_at", expr("timestamp_millis(detected_at_ms)"))
        .select(columns(TableSchemas.ANOMALY_EVENTS));
  }

  /** Kafka records: key = device id, value = the event JSON, header vigil.event-id = the event id. */
  public static Dataset<Row> kafkaRecords(Dataset<Row> events) {
    return events.select(
        col("device_id").cast("binary").as("key"),
        col("json").cast("binary").as("value"),
        array(struct(lit(KafkaHeaders.EVENT_ID).as("key"), col("event_id").cast("binary").as("value"))).as("headers"));
  }

  private static Column[] columns(StructType schema) {
    return Arrays.stream(schema.fieldNames()).map(n -> col("`" + n + "`")).toArray(Column[]::new);
  }

  private static Double nan(double x) {
    return Double.isNaN(x) ? null : x;
  }
}
