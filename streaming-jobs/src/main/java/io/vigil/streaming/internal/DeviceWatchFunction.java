package io.vigil.streaming.internal;

import io.vigil.schemas.AnomalyEvent;
import io.vigil.schemas.DeviceStatus;
import io.vigil.streaming.DeviceState;
import io.vigil.streaming.DeviceWatch;
import io.vigil.streaming.DeviceWatchSettings;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapGroupsWithStateFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.streaming.GroupState;

/**
 * Adapts {@link DeviceWatch} to {@code flatMapGroupsWithState}: one call per device with new
 * readings, whose processing-time timeout passed, or (first batch only) that the registry seeded.
 * The clock is the micro-batch's processing time, so every device in a batch is judged against the
 * same "now"; the read position is the arrival-time watermark.
 */
public final class DeviceWatchFunction implements FlatMapGroupsWithStateFunction<String, Row, DeviceState, Row> {
  private static final long serialVersionUID = 2L;

  private final DeviceWatchSettings settings;
  /** When this run of the query began: the function is built anew each time the query starts. */
  private final long runStartedMs;

  public DeviceWatchFunction(DeviceWatchSettings settings) {
    this(settings, Clock.systemUTC());
  }

  public DeviceWatchFunction(DeviceWatchSettings settings, Clock clock) {
    this.settings = settings;
    this.runStartedMs = clock.millis();
  }

  @Override
  public Iterator<Row> call(String deviceId, Iterator<Row> rows, GroupState<DeviceState> state) {
    long nowMs = state.getCurrentProcessingTimeMs();
    long readPosition = readPosition(state);
    DeviceWatch watch = new DeviceWatch(settings, Clock.fixed(Instant.ofEpochMilli(nowMs), ZoneOffset.UTC), runStartedMs);
    DeviceWatch.Outcome outcome;
    if (state.hasTimedOut()) {
      outcome = watch.onTimeout(state.get(), readPosition);
    } else {
      // Bounded by kafka.max.offsets.per.trigger: at most one batch of one device's records.
      List<DeviceWatch.Reading> readings = new ArrayList<>();
      int statusAt = -1;
      while (rows.hasNext()) {
        Row r = rows.next();
        if (statusAt == -1) {
          statusAt = r.schema().getFieldIndex("status").isDefined() ? r.fieldIndex("status") : -2;
        }
        String status = statusAt >= 0 ? r.getString(statusAt) : null;
        if (status != null) {
          readings.add(DeviceWatch.Reading.status(DeviceStatus.State.valueOf(status), r.<Long>getAs("event_ms"),
              r.<Long>getAs("arrival_ms")));
          continue;
        }
        Integer index = r.getAs("measurement_index");
        readings.add(new DeviceWatch.Reading(r.<Long>getAs("event_ms"), r.<Long>getAs("arrival_ms"),
            r.getAs("metric"), r.getAs("value"), index != null && index == 0));
      }
      if (readings.isEmpty()) {
        if (!state.exists()) {
          return List.<Row>of().iterator();
        }
        outcome = watch.onRegistered(state.get(), readPosition); // seeded from the registry, first batch
      } else {
        outcome = watch.onReadings(deviceId, state.exists() ? state.get() : null, readings, readPosition);
      }
    }
    if (outcome.expired()) {
      state.remove(); // without this, the state of every device ever seen would live forever
    } else {
      state.update(outcome.state());
      state.setTimeoutDuration(Math.max(1L, outcome.timeout().toMillis()));
    }
    List<Row> out = new ArrayList<>(outcome.events().size());
    for (AnomalyEvent e : outcome.events()) {
      out.add(AnomalyEventRows.toRow(e));
    }
    return out.iterator();
  }

  /** The arrival-time watermark (0 before the first batch set one, or without a watermark: batch tests). */
  private static long readPosition(GroupState<DeviceState> state) {
    try {
      return Math.max(0, state.getCurrentWatermarkMs());
    } catch (UnsupportedOperationException e) {
      return 0;
    }
  }
}
