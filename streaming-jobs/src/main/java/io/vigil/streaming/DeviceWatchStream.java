package io.vigil.streaming;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;

import io.vigil.streaming.internal.AnomalyEventRows;
import io.vigil.streaming.internal.DeviceWatchFunction;
import java.util.List;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.KeyValueGroupedDataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.GroupStateTimeout;
import org.apache.spark.sql.streaming.OutputMode;

/** The device watch as Dataset functions: parsed telemetry in, anomaly events out. */
public final class DeviceWatchStream {
  /** Event-time column of the watch input: the arrival time, so the watermark is the read position. */
  public static final String ARRIVAL_TIME = "arrival_time";

  private DeviceWatchStream() {}

  /**
   * The watch's input from {@link TelemetryParsing#parse} rows: one row per accepted measurement
   * (device_id, event_ms, arrival_ms, measurement_index, metric, value, status, arrival_time). Only
   * the first measurement of each message (its sign of life), the metrics a threshold rule names and
   * device status rows (ONLINE, OFFLINE: event_ms is the status time) are kept.
   */
  public static Dataset<Row> readings(Dataset<Row> parsed, DeviceWatchSettings settings) {
    List<String> ruleMetrics = settings.thresholds().stream().map(ThresholdRule::metric).distinct().toList();
    Column wanted = col("measurement_index").equalTo(0);
    if (!ruleMetrics.isEmpty()) {
      wanted = wanted.or(col("metric").isin(ruleMetrics.toArray()));
    }
    return parsed.where(col("measurement_index").isNotNull().and(wanted).or(col("status").isNotNull())).select(
        col("device_id"), col("event_ms"), col("arrival_ms"), col("measurement_index"), col("metric"), col("value"),
        col("status"), expr("timestamp_millis(arrival_ms)").as(ARRIVAL_TIME));
  }

  /**
   * Per-device state with processing-time timeouts, so a device that stops sending is noticed by
   * the (data-less) micro-batches that follow; the query needs a {@code Trigger.ProcessingTime}.
   *
   * <p>A zero-delay watermark on the arrival time makes Spark track the read position (the max
   * arrival time of the batches read so far) and hand it to the state function, which judges
   * silence against it rather than against the wall clock: a lagging query then raises no GAP for
   * data that is only queued. With a processing-time timeout Spark does not drop rows behind the
   * watermark (it filters late rows only for event-time timeouts), so no reading is lost to it;
   * an event-time timeout would be wrong anyway, as one device with a fast clock would move it for
   * everyone and a silent fleet would never move it.
   *
   * @param readings rows from {@link #readings}
   * @param registry devices to watch from the start (their state is seeded in a new query's first
   *     batch), may be empty
   * @return event rows: the {@code anomaly_events} columns with epoch-millisecond times plus the wire JSON;
   *     {@link #toAnomalyEventsTable} turns them into the table shape
   */
  public static Dataset<Row> detect(Dataset<Row> readings, DeviceWatchSettings settings, DeviceRegistry registry) {
    Dataset<Row> input = readings.isStreaming() ? readings.withWatermark(ARRIVAL_TIME, "0 seconds") : readings;
    // Grouped by the column, not by a key function: a function would turn every reading into a
    // Java row once more just to read its device id.
    KeyValueGroupedDataset<String, Row> byDevice =
        input.groupBy(col("device_id")).as(Encoders.STRING(), Encoders.row(input.schema()));
    DeviceWatchFunction fn = new DeviceWatchFunction(settings);
    if (registry == null || registry.isEmpty()) {
      return byDevice.flatMapGroupsWithState(fn, OutputMode.Update(), Encoders.bean(DeviceState.class),
          Encoders.row(AnomalyEventRows.SCHEMA), GroupStateTimeout.ProcessingTimeTimeout());
    }
    SparkSession spark = readings.sparkSession();
    KeyValueGroupedDataset<String, DeviceState> initial = spark
        .createDataset(registry.initialStates(), Encoders.bean(DeviceState.class))
        .groupByKey((MapFunction<DeviceState, String>) DeviceState::getDeviceId, Encoders.STRING());
    return byDevice.flatMapGroupsWithState(fn, OutputMode.Update(), Encoders.bean(DeviceState.class),
        Encoders.row(AnomalyEventRows.SCHEMA), GroupStateTimeout.ProcessingTimeTimeout(), initial);
  }

  /** Event rows from {@link #detect} in {@code TableSchemas.ANOMALY_EVENTS} column order. */
  public static Dataset<Row> toAnomalyEventsTable(Dataset<Row> events) {
    return AnomalyEventRows.toTable(events);
  }
}
