package io.vigil.streaming;

import io.vigil.schemas.AnomalyEvent;
import io.vigil.schemas.AnomalyKind;
import io.vigil.schemas.AnomalySource;
import io.vigil.schemas.Severity;
import io.vigil.streaming.DeviceState.Status;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-device silence detector, free of Spark so it can be driven with a fake clock.
 *
 * <p>Each device learns its expected interval as the median of its recent inter-arrival times (the
 * configured default until enough were seen). Silence is measured in processing time, {@code now -
 * last arrival}: event times come from device clocks, which may be wrong, and a device whose clock
 * is fine but whose data stopped must still be noticed. Alerts are on state changes only (the
 * lesson of Kapacitor's repeating deadman): one GAP per outage, GAP_CLOSED with its length when data
 * resumes, INACTIVE after the longer silence, REAPPEARED on return. Event ids are derived from the
 * event time of the last reading before the silence, so a re-detection after a restart carries the
 * same id.
 */
public final class DeviceWatch {
  private static final Logger LOG = LoggerFactory.getLogger(DeviceWatch.class);

  private final DeviceWatchSettings settings;
  private final Clock clock;

  public DeviceWatch(DeviceWatchSettings settings, Clock clock) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /** One accepted message: its event time (device clock) and arrival time (bridge clock). */
  public record Reading(long eventTimeMs, long arrivalMs) {}

  /**
   * What one step produced.
   *
   * @param state the state to keep, null when it expired and must be removed
   * @param events anomaly events to publish, in order
   * @param nextCheck when the watch must look at this device again if nothing arrives; null when expired
   */
  public record Outcome(DeviceState state, List<AnomalyEvent> events, Instant nextCheck) {
    public boolean expired() {
      return state == null;
    }
  }

  /**
   * New readings for a device.
   *
   * @param state what was remembered, or null for a device seen for the first time
   */
  public Outcome onReadings(String deviceId, DeviceState state, List<Reading> readings) {
    Instant now = clock.instant();
    List<Reading> byArrival = new ArrayList<>(readings);
    byArrival.sort(Comparator.comparingLong(Reading::arrivalMs).thenComparingLong(Reading::eventTimeMs));
    List<AnomalyEvent> events = new ArrayList<>();
    DeviceState s = state;
    for (Reading r : byArrival) {
      if (s == null) {
        s = DeviceState.first(deviceId, r.eventTimeMs(), r.arrivalMs(), settings.intervalWindow());
        LOG.debug("Device {} seen for the first time; watching it with an expected interval of {}",
            deviceId, settings.defaultInterval());
        continue;
      }
      long delta = r.arrivalMs() - s.getLastArrivalMs();
      if (delta < 0) {
        // A redelivery or an old message arriving late: no news about liveness, no interval.
        s.setLastEventMs(Math.max(s.getLastEventMs(), r.eventTimeMs()));
        continue;
      }
      boolean silenceEnded = s.status() != Status.ACTIVE;
      // The silence may have passed its thresholds while nobody looked (job down, timeout not
      // yet fired): raise what was missed first, with the same ids a timely detection would have.
      if (!silenceEnded && delta >= gapAfterMs(s)) {
        events.addAll(escalate(s, r.arrivalMs(), now));
        silenceEnded = true;
      } else if (silenceEnded && s.status() == Status.GAP && delta >= inactiveAfterMs(s)) {
        events.addAll(escalate(s, r.arrivalMs(), now));
      }
      if (silenceEnded) {
        events.addAll(resume(s, r, now));
      } else if (onSchedule(delta, r.eventTimeMs() - s.getLastEventMs())) {
        s.addInterval(delta, settings.intervalWindow());
      }
      s.setLastArrivalMs(r.arrivalMs());
      s.setLastEventMs(Math.max(s.getLastEventMs(), r.eventTimeMs()));
    }
    if (s == null) {
      throw new IllegalArgumentException("no readings and no state for device " + deviceId);
    }
    return new Outcome(s, events, nextCheck(s));
  }

  /**
   * Whether an arrival interval says something about the device's cadence: only when it agrees
   * (within a factor of two) with the interval between the readings' own event times. A backfill, a
   * device flushing its buffer after an outage, or a burst of late data arrives milliseconds apart
   * for readings minutes apart; learning from those would make every later pause look like a gap.
   */
  static boolean onSchedule(long arrivalDeltaMs, long eventDeltaMs) {
    return arrivalDeltaMs > 0 && eventDeltaMs > 0 && arrivalDeltaMs <= 2 * eventDeltaMs && eventDeltaMs <= 2 * arrivalDeltaMs;
  }

  /** Nothing arrived for the device before its check time. */
  public Outcome onTimeout(DeviceState state) {
    Instant now = clock.instant();
    List<AnomalyEvent> events = escalate(state, now.toEpochMilli(), now);
    long silenceMs = now.toEpochMilli() - state.getLastArrivalMs();
    if (silenceMs >= settings.stateExpiry().toMillis()) {
      LOG.info("Device {} silent for {} (state expiry {}); forgetting it. If it reports again it is treated as new.",
          state.getDeviceId(), Duration.ofMillis(silenceMs), settings.stateExpiry());
      return new Outcome(null, events, null);
    }
    return new Outcome(state, events, nextCheck(state));
  }

  /** The expected interval: learned median once trusted, the default before. */
  public Duration expectedInterval(DeviceState s) {
    long median = s.getIntervalsSeen() >= settings.minSamples() ? s.medianIntervalMs() : -1;
    return median > 0 ? Duration.ofMillis(median) : settings.defaultInterval();
  }

  /** Silence after which a GAP is raised. */
  public Duration gapThreshold(DeviceState s) {
    return Duration.ofMillis(gapAfterMs(s));
  }

  private long gapAfterMs(DeviceState s) {
    long byFactor = (long) Math.ceil(settings.gapFactor() * expectedInterval(s).toMillis());
    return Math.max(byFactor, settings.minGap().toMillis());
  }

  private long inactiveAfterMs(DeviceState s) {
    // Never INACTIVE before GAP: a slow device's gap threshold may exceed inactive-after.
    return Math.max(settings.inactiveAfter().toMillis(), gapAfterMs(s));
  }

  /** Raises GAP and then INACTIVE as far as a silence up to {@code untilMs} warrants. */
  private List<AnomalyEvent> escalate(DeviceState s, long untilMs, Instant now) {
    List<AnomalyEvent> events = new ArrayList<>(2);
    long silenceMs = untilMs - s.getLastArrivalMs();
    if (s.status() == Status.ACTIVE && silenceMs >= gapAfterMs(s)) {
      s.setSilenceStartEventMs(s.getLastEventMs());
      s.setSilenceStartArrivalMs(s.getLastArrivalMs());
      events.add(silenceEvent(s, AnomalyKind.GAP, Severity.WARNING, silenceMs, now,
          "No data from device " + s.getDeviceId() + " for " + seconds(silenceMs) + " s (expected every "
              + seconds(expectedInterval(s).toMillis()) + " s; gap threshold " + seconds(gapAfterMs(s)) + " s)."));
      s.status(Status.GAP);
    }
    if (s.status() == Status.GAP && silenceMs >= inactiveAfterMs(s)) {
      events.add(silenceEvent(s, AnomalyKind.INACTIVE, Severity.CRITICAL, silenceMs, now,
          "Device " + s.getDeviceId() + " inactive: no data for " + seconds(silenceMs) + " s (inactive after "
              + seconds(inactiveAfterMs(s)) + " s)."));
      s.status(Status.INACTIVE);
    }
    return events;
  }

  private List<AnomalyEvent> resume(DeviceState s, Reading r, Instant now) {
    List<AnomalyEvent> events = new ArrayList<>(2);
    long gapMs = r.arrivalMs() - s.getSilenceStartArrivalMs();
    Instant start = Instant.ofEpochMilli(s.getSilenceStartEventMs());
    Instant end = Instant.ofEpochMilli(r.eventTimeMs());
    events.add(AnomalyEvent.builder(AnomalyKind.GAP_CLOSED, AnomalySource.STREAM, s.getDeviceId(), null, start)
        .severity(Severity.INFO).end(end).detectedAt(now)
        .value(gapMs / 1000.0).expected(expectedInterval(s).toMillis() / 1000.0)
        .message("Data from device " + s.getDeviceId() + " resumed after a gap of " + seconds(gapMs) + " s.")
        .attribute("gap_ms", gapMs)
        .build());
    if (s.status() == Status.INACTIVE) {
      events.add(AnomalyEvent.builder(AnomalyKind.REAPPEARED, AnomalySource.STREAM, s.getDeviceId(), null, start)
          .severity(Severity.INFO).end(end).detectedAt(now).value(gapMs / 1000.0)
          .message("Inactive device " + s.getDeviceId() + " reported again after " + seconds(gapMs) + " s.")
          .attribute("gap_ms", gapMs)
          .build());
    }
    s.status(Status.ACTIVE);
    return events;
  }

  private AnomalyEvent silenceEvent(DeviceState s, AnomalyKind kind, Severity severity, long silenceMs, Instant now,
      String message) {
    return AnomalyEvent.builder(kind, AnomalySource.STREAM, s.getDeviceId(), null,
            Instant.ofEpochMilli(s.getSilenceStartEventMs()))
        .severity(severity).detectedAt(now)
        .value(silenceMs / 1000.0).expected(expectedInterval(s).toMillis() / 1000.0)
        .message(message)
        .attribute("last_arrival", Instant.ofEpochMilli(s.getSilenceStartArrivalMs()))
        .attribute("gap_threshold_ms", gapAfterMs(s))
        .attribute("interval_source", s.getIntervalsSeen() >= settings.minSamples() ? "learned" : "default")
        .build();
  }

  private Instant nextCheck(DeviceState s) {
    long after = switch (s.status()) {
      case ACTIVE -> gapAfterMs(s);
      case GAP -> inactiveAfterMs(s);
      case INACTIVE -> settings.stateExpiry().toMillis();
    };
    return Instant.ofEpochMilli(s.getLastArrivalMs() + after);
  }

  private static String seconds(long ms) {
    return ms % 1000 == 0 ? Long.toString(ms / 1000) : String.format(java.util.Locale.ROOT, "%.1f", ms / 1000.0);
  }
}
