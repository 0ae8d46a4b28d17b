package io.vigil.streaming;

import io.vigil.streaming.internal.AnomalyEventRows;
import io.vigil.streaming.internal.DeviceWatchFunction;
import org.apache.spark.api.java.function.MapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.GroupStateTimeout;
import org.apache.spark.sql.streaming.OutputMode;

/** The device watch as a Dataset function: heartbeats in, anomaly events out. */
public final class DeviceWatchStream {
  private DeviceWatchStream() {}

  /**
   * Per-device state with processing-time timeouts, so a device that stops sending is noticed by
   * the (data-less) micro-batches that follow; the query needs a {@code Trigger.ProcessingTime}.
   *
   * @param heartbeats rows of (device_id, event_ms, arrival_ms), see {@link TelemetryParsing#heartbeats}
   * @return event rows: the {@code anomaly_events} columns with epoch-millisecond times plus the wire JSON;
   *     {@link #toAnomalyEventsTable} turns them into the table shape
   */
  public static Dataset<Row> detect(Dataset<Row> heartbeats, DeviceWatchSettings settings) {
    return heartbeats
        .groupByKey((MapFunction<Row, String>) r -> r.getString(0), Encoders.STRING())
        .flatMapGroupsWithState(new DeviceWatchFunction(settings), OutputMode.Update(),
            Encoders.bean(DeviceState.class), Encoders.row(AnomalyEventRows.SCHEMA),
            GroupStateTimeout.ProcessingTimeTimeout());
  }

  /** Event rows from {@link #detect} in {@code TableSchemas.ANOMALY_EVENTS} column order. */
  public static Dataset<Row> toAnomalyEventsTable(Dataset<Row> events) {
    return AnomalyEventRows.toTable(events);
  }
}
