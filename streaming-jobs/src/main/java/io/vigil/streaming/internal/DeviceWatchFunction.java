package io.vigil.streaming.internal;

import io.vigil.schemas.AnomalyEvent;
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
 * heartbeats or whose processing-time timeout passed. The clock is the micro-batch's processing
 * time, so every device in a batch is judged against the same "now".
 */
public final class DeviceWatchFunction implements FlatMapGroupsWithStateFunction<String, Row, DeviceState, Row> {
  private static final long serialVersionUID = 1L;

  private final DeviceWatchSettings settings;

  public DeviceWatchFunction(DeviceWatchSettings settings) {
    this.settings = settings;
  }

  @Override
  public Iterator<Row> call(String deviceId, Iterator<Row> heartbeats, GroupState<DeviceState> state) {
    long nowMs = state.getCurrentProcessingTimeMs();
    DeviceWatch watch = new DeviceWatch(settings, Clock.fixed(Instant.ofEpochMilli(nowMs), ZoneOffset.UTC));
    DeviceWatch.Outcome outcome;
    if (state.hasTimedOut()) {
      outcome = watch.onTimeout(state.get());
    } else {
      // Bounded by kafka.max.offsets.per.trigger: at most one batch of one device's records.
      List<DeviceWatch.Reading> readings = new ArrayList<>();
      while (heartbeats.hasNext()) {
        Row r = heartbeats.next();
        readings.add(new DeviceWatch.Reading(r.getLong(1), r.getLong(2)));
      }
      outcome = watch.onReadings(deviceId, state.exists() ? state.get() : null, readings);
    }
    if (outcome.expired()) {
      state.remove(); // without this, the state of every device ever seen would live forever
    } else {
      state.update(outcome.state());
      // Processing-time timeouts take a duration; at least 1 ms so an overdue check fires next batch.
      state.setTimeoutDuration(Math.max(1L, outcome.nextCheck().toEpochMilli() - nowMs));
    }
    List<Row> rows = new ArrayList<>(outcome.events().size());
    for (AnomalyEvent e : outcome.events()) {
      rows.add(AnomalyEventRows.toRow(e));
    }
    return rows.iterator();
  }
}
