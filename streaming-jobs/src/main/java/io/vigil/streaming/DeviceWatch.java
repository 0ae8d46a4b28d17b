package io.vigil.streaming;

import io.vigil.schemas.AnomalyEvent;
import io.vigil.schemas.AnomalyKind;
import io.vigil.schemas.AnomalySource;
import io.vigil.schemas.DeviceStatus;
import io.vigil.schemas.Severity;
import io.vigil.streaming.DeviceState.Status;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The per-device watch, free of Spark so it can be driven with a fake clock.
 *
 * <p><b>Silence</b> is measured in arrival time (the bridge's clock), never in event time: device
 * clocks may be wrong, and a device whose clock is fine but whose data stopped must still be
 * noticed. Between readings, "now" is the <em>read position</em>: the newest arrival time the
 * stream has read so far, capped at the wall clock (see {@link #effectiveNow}). A query that lags
 * (slow batches, catch-up after a restart) then sees queued data as queued, not as silence; when
 * the stream reads nothing new, the wall clock takes over so a silent fleet is still flagged.
 *
 * <p>Alerts are on state changes only (Kapacitor's repeating deadman is the lesson): one GAP per
 * outage, GAP_CLOSED with its length when data resumes, INACTIVE after the longer silence,
 * REAPPEARED on return (INACTIVE at once when the device says it went offline, see {@link #onReadings}
 * with {@link Reading#status}), NEVER_REPORTED once for a registry device that never sent anything,
 * FREQUENCY_CHANGE once per shift, one LATE_DATA / OUT_OF_ORDER per burst, one CLOCK_SKEW per
 * episode, one THRESHOLD per excursion. Event ids derive from device, kind and where the condition
 * started (see {@link AnomalyEvent#idFor}), so a re-detection after a restart carries the same id.
 */
public final class DeviceWatch {
  private static final Logger LOG = LoggerFactory.getLogger(DeviceWatch.class);

  private final DeviceWatchSettings settings;
  private final Clock clock;
  private final Map<String, ThresholdRule> rules;
  private final long runStartedMs;

  /** A watch that does not know when its query run began (see {@link #DeviceWatch(DeviceWatchSettings, Clock, long)}). */
  public DeviceWatch(DeviceWatchSettings settings, Clock clock) {
    this(settings, clock, 0);
  }

  /**
   * @param runStartedMs when the current run of the query began (wall clock), 0 if unknown: a
   *     device's evidence gathered in this run holds however slow its batches are (see
   *     {@link #effectiveNow}), evidence from before it (a restart) does not
   */
  public DeviceWatch(DeviceWatchSettings settings, Clock clock, long runStartedMs) {
    this.settings = Objects.requireNonNull(settings, "settings");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.rules = settings.thresholdsByMetric();
    this.runStartedMs = runStartedMs;
  }

  /**
   * One accepted measurement: event time (device clock), arrival time (bridge clock), metric and
   * value. {@code firstOfMessage} marks one reading per message: a message with five metrics is one
   * sign of life, not five.
   */
  public record Reading(long eventTimeMs, long arrivalMs, String metric, Double value, boolean firstOfMessage,
      DeviceStatus.State status) {
    public Reading(long eventTimeMs, long arrivalMs, String metric, Double value, boolean firstOfMessage) {
      this(eventTimeMs, arrivalMs, metric, value, firstOfMessage, null);
    }

    /** A sign of life without a value (threshold rules do not apply). */
    public Reading(long eventTimeMs, long arrivalMs) {
      this(eventTimeMs, arrivalMs, null, null, true, null);
    }

    /**
     * What a message said about the device's connection rather than a measurement: OFFLINE (a last
     * will, a Sparkplug death) or ONLINE (a birth, a last will's {@code Online}).
     */
    public static Reading status(DeviceStatus.State state, long atMs, long arrivalMs) {
      return new Reading(atMs, arrivalMs, null, null, false, Objects.requireNonNull(state, "state"));
    }
  }

  /**
   * What one step produced.
   *
   * @param state the state to keep, null when it expired and must be removed
   * @param events anomaly events to publish, in order
   * @param timeout how long (wall clock) until the watch must look at this device again if nothing
   *     arrives; null when expired
   */
  public record Outcome(DeviceState state, List<AnomalyEvent> events, Duration timeout) {
    public boolean expired() {
      return state == null;
    }
  }

  // ---- entry points ----------------------------------------------------------------------------

  /** New readings while the stream is live: the read position is the wall clock. */
  public Outcome onReadings(String deviceId, DeviceState state, List<Reading> readings) {
    return onReadings(deviceId, state, readings, clock.millis());
  }

  /**
   * New readings for a device.
   *
   * @param state what was remembered, or null for a device seen for the first time
   * @param readPositionMs the newest arrival time the stream had read before this batch (0: unknown)
   */
  public Outcome onReadings(String deviceId, DeviceState state, List<Reading> readings, long readPositionMs) {
    Instant now = clock.instant();
    List<Reading> ordered = new ArrayList<>(readings);
    ordered.sort(Comparator.comparingLong(Reading::arrivalMs).thenComparingLong(Reading::eventTimeMs)
        .thenComparing(r -> !r.firstOfMessage()));
    List<AnomalyEvent> events = new ArrayList<>();
    DeviceState s = state;
    for (Reading r : ordered) {
      if (r.status() != null) {
        s = onStatus(deviceId, s, r, now, events);
        continue;
      }
      if (s == null) {
        if (!r.firstOfMessage()) {
          continue; // cannot happen with rows from one message; never invent a heartbeat from it
        }
        s = DeviceState.first(deviceId, r.eventTimeMs(), r.arrivalMs(), settings.intervalWindow());
        pace(s, r, now, events);
        LOG.debug("Device {} seen for the first time; expected interval {} until learned", deviceId,
            settings.defaultInterval());
      } else if (r.firstOfMessage()) {
        heartbeat(s, r, now, events);
      }
      if (r.metric() != null && r.value() != null) {
        threshold(s, r, now, events);
      }
    }
    if (s == null) {
      if (!readings.isEmpty()) {
        return new Outcome(null, events, null); // only an OFFLINE from a device never seen: nothing to watch
      }
      throw new IllegalArgumentException("no readings and no state for device " + deviceId);
    }
    long wall = now.toEpochMilli();
    if (readPositionMs > s.getReadPositionMs() || s.getReadPositionSeenAtMs() == 0) {
      // The stream's position before this batch, without this batch's own arrivals: the next
      // batch's position includes them, so a following look sees the stream as moving.
      s.setReadPositionMs(readPositionMs);
      s.setReadPositionSeenAtMs(wall);
    }
    return new Outcome(s, events, schedule(s, readPosition(s, wall, readPositionMs), wall));
  }

  /**
   * The first look at a registry device in a new query (no data for it yet): NEVER_REPORTED counts
   * from here.
   */
  public Outcome onRegistered(DeviceState state, long readPositionMs) {
    long wall = clock.millis();
    long read = readPosition(state, wall, readPositionMs);
    state.setWatchSinceMs(read);
    state.setReadPositionMs(readPositionMs);
    state.setReadPositionSeenAtMs(wall);
    return new Outcome(state, List.of(), schedule(state, read, wall));
  }

  /** Nothing arrived before the device's check time, stream live: the read position is the wall clock. */
  public Outcome onTimeout(DeviceState state) {
    return onTimeout(state, clock.millis());
  }

  /** Nothing arrived for the device before its check time. */
  public Outcome onTimeout(DeviceState state, long readPositionMs) {
    Instant now = clock.instant();
    long wall = now.toEpochMilli();
    long eff = effectiveNow(state, wall, readPositionMs);
    List<AnomalyEvent> events = new ArrayList<>(2);
    DeviceState s = state;
    if (!s.hasReported()) {
      long silenceMs = eff - s.getWatchSinceMs();
      if (s.status() == Status.REGISTERED && silenceMs >= gapAfterMs(s)) {
        events.add(AnomalyEvent.builder(AnomalyKind.NEVER_REPORTED, AnomalySource.STREAM, s.getDeviceId(), null,
                Instant.ofEpochMilli(s.getWatchSinceMs()))
            .severity(Severity.WARNING).detectedAt(now)
            .value(silenceMs / 1000.0).expected(expectedInterval(s).toMillis() / 1000.0)
            .message("Registered device " + s.getDeviceId() + " has not reported in the " + seconds(silenceMs)
                + " s since watching began (expected every " + seconds(expectedInterval(s).toMillis()) + " s).")
            .attribute("read_position", Instant.ofEpochMilli(eff))
            .attribute("gap_threshold_ms", gapAfterMs(s))
            .build());
        s.status(Status.NEVER_REPORTED);
      }
      if (silenceMs >= settings.stateExpiry().toMillis()) {
        LOG.info("Registered device {} never reported in {} (state expiry {}); forgetting it.", s.getDeviceId(),
            Duration.ofMillis(silenceMs), settings.stateExpiry());
        return new Outcome(null, events, null);
      }
      return new Outcome(s, events, schedule(s, eff, wall));
    }
    events.addAll(escalate(s, eff, now));
    long silenceMs = eff - s.getLastArrivalMs();
    if (silenceMs >= settings.stateExpiry().toMillis()) {
      LOG.info("Device {} silent for {} (state expiry {}); forgetting it (decommissioned?). If it reports again it is"
          + " treated as new.", s.getDeviceId(), Duration.ofMillis(silenceMs), settings.stateExpiry());
      return new Outcome(null, events, null);
    }
    return new Outcome(s, events, schedule(s, eff, wall));
  }

  // ---- time ------------------------------------------------------------------------------------

  /**
   * The read position: what the stream has read (the max arrival time before this batch, or this
   * device's own newest arrival if later), never ahead of the wall clock. Before anything was read
   * at all (0) the wall clock stands in.
   */
  private long readPosition(DeviceState s, long wall, long readPositionMs) {
    long r = Math.max(readPositionMs, s.hasReported() ? s.getLastArrivalMs() : 0);
    return r <= 0 ? wall : Math.min(wall, r);
  }

  /**
   * "Now" for judging silence at a timeout. Normally the read position, so a lagging query raises
   * no GAP for data that is merely queued. But a read position that stopped moving may mean a
   * silent fleet (nothing arrives at all), which must be flagged too: when this device saw the same
   * read position at its previous look and that look was recent (this call came on time, so the
   * query ran its batches in between rather than being stopped or stuck in a slow catch-up), the
   * stream read nothing new meanwhile and the wall clock takes over.
   *
   * <p>Why per device and not a global watermark alone: Spark's watermark only says how far the
   * stream has read, not whether the last batch read anything. Each device keeps its own evidence
   * (read position and when it saw it), which survives restarts with the state; a call long after
   * its due time (a restart, a stuck batch) resets the evidence, so a restart never sees stale
   * evidence as silence.
   *
   * <p>After a restart, Spark runs the first batch with the watermark of the last batch before the
   * stop (it restores it from the offset log), so the read position catches up one batch later
   * there; it can lag, never lead, so this delays a detection by a batch but raises nothing false.
   *
   * <p>Slow batches: on a busy machine a micro-batch can take far longer than two triggers (20 s
   * and more with a 2 s trigger were measured in {@code vigil demo} on a shared 2-core box), so every
   * look comes "late" and, judged by lateness alone, a silent fleet would never be flagged: the read
   * position stands still at the fleet's last arrival and silence measured against it stops growing.
   * Evidence gathered in the current run of the query (a look at or after {@code runStartedMs})
   * therefore counts however late this look is: between two looks of one run, Spark ran the batches
   * in between, and a batch reads everything that arrived before it started, so a device with data
   * queued is called with its readings, not with a timeout. Evidence from before the run (the
   * restored watermark after a restart) still needs an on-time look.
   */
  long effectiveNow(DeviceState s, long wall, long readPositionMs) {
    boolean onTime = s.getWakeAtMs() > 0 && wall - s.getWakeAtMs() <= stallTolerance();
    boolean thisRun = runStartedMs > 0 && s.getReadPositionSeenAtMs() >= runStartedMs;
    boolean stalled = (onTime || thisRun) && s.getReadPositionSeenAtMs() > 0 && readPositionMs <= s.getReadPositionMs();
    if (!stalled) {
      s.setReadPositionMs(readPositionMs);
      s.setReadPositionSeenAtMs(wall);
    }
    return stalled ? wall : readPosition(s, wall, readPositionMs);
  }

  private long stallTolerance() {
    return 2 * settings.recheck().toMillis();
  }

  /** The timeout (wall-clock duration) to the device's next check, remembered as its wake time. */
  private Duration schedule(DeviceState s, long eff, long wall) {
    long due = nextCheckMs(s);
    long d = Math.max(1, due - eff);
    if (wall - eff > stallTolerance()) {
      // The read position lags: look again soon, when the stream has either moved (backlog) or
      // provably not (silent fleet), instead of a whole threshold later.
      d = Math.min(d, settings.recheck().toMillis());
    } else if (s.hasReported() && s.getReadPositionMs() < s.getLastArrivalMs()) {
      // Spark's watermark trails its batch, so no look has seen the stream read past this device's
      // latest reading yet: look next batch. If the device then falls silent, the read position it
      // stands still at is already known when its deadline comes, and the deadline decides.
      d = Math.min(d, settings.recheck().toMillis());
    } else {
      // A stream that stands still is judged by the wall clock: look at the deadline itself rather
      // than a read-position lag after it (a moving stream just gets a look or two more).
      d = Math.max(1, Math.min(d, due - wall));
    }
    s.setWakeAtMs(wall + d);
    return Duration.ofMillis(d);
  }

  /** When, in read-position time, the device must be checked next if nothing arrives. */
  private long nextCheckMs(DeviceState s) {
    return switch (s.status()) {
      case REGISTERED -> s.getWatchSinceMs() + gapAfterMs(s);
      case NEVER_REPORTED -> s.getWatchSinceMs() + settings.stateExpiry().toMillis();
      case ACTIVE -> s.getLastArrivalMs() + gapAfterMs(s);
      case GAP -> s.getLastArrivalMs() + inactiveAfterMs(s);
      case INACTIVE, OFFLINE -> s.getLastArrivalMs() + settings.stateExpiry().toMillis();
    };
  }

  // ---- intervals -------------------------------------------------------------------------------

  /**
   * The expected interval: the device's own median once {@code minSamples} intervals were seen;
   * before that the registry's (or the last FREQUENCY_CHANGE's) reference, else the default.
   */
  public Duration expectedInterval(DeviceState s) {
    if (s.getIntervalsSeen() >= settings.minSamples()) {
      long median = s.medianIntervalMs();
      if (median > 0) {
        return Duration.ofMillis(median);
      }
    }
    if (s.getReferenceIntervalMs() > 0) {
      return Duration.ofMillis(s.getReferenceIntervalMs());
    }
    if (s.getRegistryIntervalMs() > 0) {
      return Duration.ofMillis(s.getRegistryIntervalMs());
    }
    return settings.defaultInterval();
  }

  private String intervalSource(DeviceState s) {
    if (s.getIntervalsSeen() >= settings.minSamples()) {
      return "learned";
    }
    return s.getRegistryIntervalMs() > 0 ? "registry" : s.getReferenceIntervalMs() > 0 ? "learned" : "default";
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

  /**
   * Whether an arrival interval says something about the device's cadence: only when it agrees
   * (within a factor of two) with the interval between the readings' own event times. A backfill, a
   * device flushing its buffer after an outage, or a burst of late data arrives milliseconds apart
   * for readings minutes apart; learning from those would make every later pause look like a gap.
   */
  static boolean onSchedule(long arrivalDeltaMs, long eventDeltaMs) {
    return arrivalDeltaMs > 0 && eventDeltaMs > 0 && arrivalDeltaMs <= 2 * eventDeltaMs && eventDeltaMs <= 2 * arrivalDeltaMs;
  }

  // ---- device status ---------------------------------------------------------------------------

  /**
   * A status message. OFFLINE from an active device raises INACTIVE at once, with the identity a
   * silence-based INACTIVE would have (device and the event time of its last reading), so a
   * replay or a later timeout raises no second one; a device already in GAP goes INACTIVE the same
   * way. ONLINE is a sign of life: from an offline or silent device it raises what its next
   * reading would (REAPPEARED, and GAP_CLOSED after a GAP). A status older than the device's
   * newest sign of life (a last will delivered late, after the device came back) changes nothing.
   *
   * @return the state after it, null when there is still none (OFFLINE from a device never seen)
   */
  private DeviceState onStatus(String deviceId, DeviceState s, Reading r, Instant now, List<AnomalyEvent> events) {
    boolean offline = r.status() == DeviceStatus.State.OFFLINE;
    if (s == null) {
      if (offline) {
        LOG.debug("Device {} reported OFFLINE before anything else; nothing to watch yet", deviceId);
        return null;
      }
      return DeviceState.first(deviceId, r.eventTimeMs(), r.arrivalMs(), settings.intervalWindow());
    }
    if (!s.hasReported()) {
      if (!offline) {
        heartbeat(s, r, now, events); // a registered device's first sign of life
      }
      return s;
    }
    if (r.arrivalMs() < s.getLastArrivalMs()) {
      return s;
    }
    Status before = s.status();
    if (offline) {
      if (before == Status.ACTIVE) {
        s.setSilenceStartEventMs(s.getLastEventMs());
        s.setSilenceStartArrivalMs(s.getLastArrivalMs());
      }
      if (before == Status.ACTIVE || before == Status.GAP) {
        long silenceMs = Math.max(0, r.arrivalMs() - s.getLastArrivalMs());
        events.add(silence(s, AnomalyKind.INACTIVE, Severity.CRITICAL, silenceMs, r.arrivalMs(), now,
            "Device " + s.getDeviceId() + " reported itself offline at " + Instant.ofEpochMilli(r.eventTimeMs())
                + " (last data " + seconds(silenceMs) + " s before): inactive without waiting for the silence threshold.")
            .attribute("cause", "device_status").attribute("status_time", Instant.ofEpochMilli(r.eventTimeMs())).build());
        s.status(before == Status.ACTIVE ? Status.OFFLINE : Status.INACTIVE);
      }
      return s;
    }
    if (before != Status.ACTIVE) {
      events.addAll(resume(s, r, now));
    }
    s.setLastArrivalMs(r.arrivalMs());
    s.setLastEventMs(Math.max(s.getLastEventMs(), r.eventTimeMs()));
    return s;
  }

  // ---- one sign of life ------------------------------------------------------------------------

  private void heartbeat(DeviceState s, Reading r, Instant now, List<AnomalyEvent> events) {
    if (!s.hasReported()) {
      boolean flagged = s.status() == Status.NEVER_REPORTED;
      s.startReporting(r.eventTimeMs(), r.arrivalMs(), settings.intervalWindow());
      if (flagged) {
        long waitedMs = r.arrivalMs() - s.getWatchSinceMs();
        events.add(AnomalyEvent.builder(AnomalyKind.REAPPEARED, AnomalySource.STREAM, s.getDeviceId(), null,
                Instant.ofEpochMilli(s.getWatchSinceMs()))
            .severity(Severity.INFO).end(Instant.ofEpochMilli(r.eventTimeMs())).detectedAt(now)
            .value(waitedMs / 1000.0)
            .message("Registered device " + s.getDeviceId() + " reported for the first time, " + seconds(waitedMs)
                + " s after watching began.")
            .attribute("first_report", true)
            .build());
      }
      pace(s, r, now, events);
      return;
    }
    timing(s, r, now, events);
    long delta = r.arrivalMs() - s.getLastArrivalMs();
    if (delta < 0) {
      // A redelivery or an old message arriving late: no news about liveness, no interval.
      s.setLastEventMs(Math.max(s.getLastEventMs(), r.eventTimeMs()));
      return;
    }
    boolean silenceEnded = s.status() != Status.ACTIVE;
    // The silence may have passed its thresholds while nobody looked (job down, timeout not yet
    // fired): raise what was missed first, with the same ids a timely detection would have.
    if (!silenceEnded && delta >= gapAfterMs(s)) {
      events.addAll(escalate(s, r.arrivalMs(), now));
      silenceEnded = true;
    } else if (silenceEnded && s.status() == Status.GAP && delta >= inactiveAfterMs(s)) {
      events.addAll(escalate(s, r.arrivalMs(), now));
    }
    if (silenceEnded) {
      events.addAll(resume(s, r, now));
    }
    pace(s, r, now, events);
    s.setLastArrivalMs(r.arrivalMs());
    s.setLastEventMs(Math.max(s.getLastEventMs(), r.eventTimeMs()));
  }

  /**
   * Learns the interval since the previous message of the device's pacing metric when this message
   * is one of them: one interval per report, however many messages a report takes (see {@link PacingMetric}).
   * A reading behind the device's newest event time (late, out of order) says nothing about its cadence.
   */
  private void pace(DeviceState s, Reading r, Instant now, List<AnomalyEvent> events) {
    if (!PacingMetric.observe(s, r.metric())) {
      return;
    }
    long previousArrivalMs = s.getPacingArrivalMs();
    long previousEventMs = s.getPacingEventMs();
    s.setPacingArrivalMs(r.arrivalMs());
    s.setPacingEventMs(r.eventTimeMs());
    long delta = r.arrivalMs() - previousArrivalMs;
    boolean current = r.eventTimeMs() >= s.getLastEventMs();
    if (previousArrivalMs > 0 && current && onSchedule(delta, r.eventTimeMs() - previousEventMs)) {
      s.addInterval(delta, settings.intervalWindow());
      frequency(s, r, now, events);
    }
  }

  /** FREQUENCY_CHANGE: the median of the newest intervals left the reference by the factor. */
  private void frequency(DeviceState s, Reading r, Instant now, List<AnomalyEvent> events) {
    int n = settings.minSamples();
    if (s.getReferenceIntervalMs() <= 0) {
      if (s.getIntervalsSeen() >= n) {
        s.setReferenceIntervalMs(s.medianIntervalMs());
        s.setIntervalsSinceReference(0);
      }
      return;
    }
    if (s.getIntervalsSinceReference() < n) {
      return;
    }
    long reference = s.getReferenceIntervalMs();
    long recent = s.recentMedianMs(n);
    double ratio = recent / (double) reference;
    double factor = settings.frequencyFactor();
    if (ratio < factor && ratio > 1 / factor) {
      return;
    }
    // Where the new cadence began: the trailing intervals already on its side of the geometric middle.
    long[] newest = s.newest(n);
    double middle = Math.sqrt(factor);
    long span = 0;
    int changed = 0;
    for (int i = newest.length - 1; i >= 0; i--) {
      double q = newest[i] / (double) reference;
      if (ratio > 1 ? q < middle : q > 1 / middle) {
        break;
      }
      span += newest[i];
      changed++;
    }
    Instant start = Instant.ofEpochMilli(r.eventTimeMs() - span);
    events.add(AnomalyEvent.builder(AnomalyKind.FREQUENCY_CHANGE, AnomalySource.STREAM, s.getDeviceId(), null, start)
        .severity(Severity.WARNING).detectedAt(now)
        .value(recent / 1000.0).expected(reference / 1000.0)
        .message("Device " + s.getDeviceId() + " now reports every " + seconds(recent) + " s instead of every "
            + seconds(reference) + " s (" + (ratio > 1 ? "slower" : "faster") + " by "
            + String.format(Locale.ROOT, "%.1f", ratio > 1 ? ratio : 1 / ratio) + "x).")
        .attribute("direction", ratio > 1 ? "slower" : "faster")
        .attribute("ratio", String.format(Locale.ROOT, "%.3f", ratio))
        .build());
    // The new cadence is the new normal: one event per shift, and gaps judged on it from now on.
    s.setReferenceIntervalMs(recent);
    s.setIntervalsSinceReference(0);
    s.keepNewest(Math.max(1, changed));
  }

  /** LATE_DATA and OUT_OF_ORDER bursts and CLOCK_SKEW episodes, judged before the reading is taken in. */
  private void timing(DeviceState s, Reading r, Instant now, List<AnomalyEvent> events) {
    long aheadMs = r.eventTimeMs() - r.arrivalMs();
    long skewAfter = settings.clockSkewAfter().toMillis();
    if (aheadMs > skewAfter) {
      if (s.getSkewStartMs() == 0) {
        s.setSkewStartMs(r.eventTimeMs());
        events.add(AnomalyEvent.builder(AnomalyKind.CLOCK_SKEW, AnomalySource.STREAM, s.getDeviceId(), null,
                Instant.ofEpochMilli(r.eventTimeMs()))
            .severity(Severity.WARNING).detectedAt(now)
            .value(aheadMs / 1000.0).expected(skewAfter / 1000.0)
            .message("Device " + s.getDeviceId() + " stamps readings " + seconds(aheadMs)
                + " s ahead of their arrival: its clock runs fast.")
            .attribute("arrival", Instant.ofEpochMilli(r.arrivalMs()))
            .build());
      }
      return; // a fast clock says nothing about lateness or order
    }
    if (s.getSkewStartMs() != 0 && aheadMs <= skewAfter / 2) {
      // The clock was corrected: event times from the fast clock must not make what follows look out of order.
      LOG.info("Device {}: clock skew ended (reading {} ms ahead of arrival)", s.getDeviceId(), aheadMs);
      s.setSkewStartMs(0);
      s.setLastEventMs(r.eventTimeMs());
    }
    if (r.arrivalMs() - r.eventTimeMs() > settings.lateAfter().toMillis()) {
      lateBurst(s, r, now, events);
    } else if (r.eventTimeMs() < s.getLastEventMs()) {
      outOfOrderBurst(s, r, now, events);
    }
  }

  private void lateBurst(DeviceState s, Reading r, Instant now, List<AnomalyEvent> events) {
    if (s.getLateStartMs() == 0 || r.arrivalMs() - s.getLateLastMs() > settings.burstWindow().toMillis()) {
      s.setLateStartMs(r.eventTimeMs());
      s.setLateCount(0);
      s.setLateRaised(false);
    }
    s.setLateCount(s.getLateCount() + 1);
    s.setLateLastMs(r.arrivalMs());
    if (!s.isLateRaised() && s.getLateCount() >= settings.burstMin()) {
      s.setLateRaised(true);
      long lateMs = r.arrivalMs() - r.eventTimeMs();
      events.add(burstEvent(s, AnomalyKind.LATE_DATA, s.getLateStartMs(), s.getLateCount(), now,
          s.getLateCount() + " readings from device " + s.getDeviceId() + " arrived late (the latest " + seconds(lateMs)
              + " s after its event time; late after " + seconds(settings.lateAfter().toMillis()) + " s)."));
    }
  }

  private void outOfOrderBurst(DeviceState s, Reading r, Instant now, List<AnomalyEvent> events) {
    if (s.getOutOfOrderStartMs() == 0 || r.arrivalMs() - s.getOutOfOrderLastMs() > settings.burstWindow().toMillis()) {
      s.setOutOfOrderStartMs(r.eventTimeMs());
      s.setOutOfOrderCount(0);
      s.setOutOfOrderRaised(false);
    }
    s.setOutOfOrderCount(s.getOutOfOrderCount() + 1);
    s.setOutOfOrderLastMs(r.arrivalMs());
    if (!s.isOutOfOrderRaised() && s.getOutOfOrderCount() >= settings.burstMin()) {
      s.setOutOfOrderRaised(true);
      events.add(burstEvent(s, AnomalyKind.OUT_OF_ORDER, s.getOutOfOrderStartMs(), s.getOutOfOrderCount(), now,
          s.getOutOfOrderCount() + " readings from device " + s.getDeviceId()
              + " arrived after readings with later event times."));
    }
  }

  private AnomalyEvent burstEvent(DeviceState s, AnomalyKind kind, long startMs, int count, Instant now, String message) {
    return AnomalyEvent.builder(kind, AnomalySource.STREAM, s.getDeviceId(), null, Instant.ofEpochMilli(startMs))
        .severity(Severity.WARNING).detectedAt(now)
        .value((double) count).expected((double) settings.burstMin())
        .message(message)
        .attribute("burst_window_ms", settings.burstWindow().toMillis())
        .build();
  }

  // ---- thresholds ------------------------------------------------------------------------------

  private void threshold(DeviceState s, Reading r, Instant now, List<AnomalyEvent> events) {
    Map<String, Long> open = s.getExcursions();
    if (!open.isEmpty()) {
      // Rules removed from the config since: forget their excursions (bounds the map by the rule count).
      open.keySet().removeIf(name -> settings.thresholds().stream().noneMatch(t -> t.name().equals(name)));
    }
    ThresholdRule rule = rules.get(r.metric());
    if (rule == null) {
      return;
    }
    Double limit = rule.crossed(r.value());
    Long started = open.get(rule.name());
    if (limit != null && started == null) {
      open.put(rule.name(), r.eventTimeMs());
      String direction = rule.above() != null && r.value() > rule.above() ? "above" : "below";
      events.add(AnomalyEvent.builder(AnomalyKind.THRESHOLD, AnomalySource.STREAM, s.getDeviceId(), r.metric(),
              Instant.ofEpochMilli(r.eventTimeMs()))
          .severity(Severity.WARNING).detectedAt(now)
          .value(r.value()).expected(limit)
          .message("Device " + s.getDeviceId() + ": " + r.metric() + " = " + r.value() + " is " + direction + " "
              + limit + " (rule " + rule.name() + ").")
          .attribute("rule", rule.name())
          .attribute("direction", direction)
          .build());
    } else if (limit == null && started != null) {
      open.remove(rule.name());
    }
  }

  // ---- silence ---------------------------------------------------------------------------------

  /**
   * Raises GAP and then INACTIVE as far as a silence up to {@code untilMs} warrants. A device that has
   * only ever said it is online (a Sparkplug B edge node's birth, a last will's Online) has no cadence
   * to miss: it is watched by what it says, an OFFLINE or a death, not by its silence.
   */
  private List<AnomalyEvent> escalate(DeviceState s, long untilMs, Instant now) {
    if (!s.sentReadings()) {
      return List.of();
    }
    List<AnomalyEvent> events = new ArrayList<>(2);
    long silenceMs = untilMs - s.getLastArrivalMs();
    if (s.status() == Status.ACTIVE && silenceMs >= gapAfterMs(s)) {
      s.setSilenceStartEventMs(s.getLastEventMs());
      s.setSilenceStartArrivalMs(s.getLastArrivalMs());
      events.add(silenceEvent(s, AnomalyKind.GAP, Severity.WARNING, silenceMs, untilMs, now,
          "No data from device " + s.getDeviceId() + " for " + seconds(silenceMs) + " s (expected every "
              + seconds(expectedInterval(s).toMillis()) + " s; gap threshold " + seconds(gapAfterMs(s)) + " s)."));
      s.status(Status.GAP);
    }
    if (s.status() == Status.GAP && silenceMs >= inactiveAfterMs(s)) {
      events.add(silenceEvent(s, AnomalyKind.INACTIVE, Severity.CRITICAL, silenceMs, untilMs, now,
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
    if (s.status() != Status.OFFLINE) { // an OFFLINE device raised no GAP to close
      events.add(AnomalyEvent.builder(AnomalyKind.GAP_CLOSED, AnomalySource.STREAM, s.getDeviceId(), null, start)
          .severity(Severity.INFO).end(end).detectedAt(now)
          .value(gapMs / 1000.0).expected(expectedInterval(s).toMillis() / 1000.0)
          .message("Data from device " + s.getDeviceId() + " resumed after a gap of " + seconds(gapMs) + " s.")
          .attribute("gap_ms", gapMs)
          .build());
    }
    if (s.status() == Status.INACTIVE || s.status() == Status.OFFLINE) {
      events.add(AnomalyEvent.builder(AnomalyKind.REAPPEARED, AnomalySource.STREAM, s.getDeviceId(), null, start)
          .severity(Severity.INFO).end(end).detectedAt(now).value(gapMs / 1000.0)
          .message("Inactive device " + s.getDeviceId() + " reported again after " + seconds(gapMs) + " s.")
          .attribute("gap_ms", gapMs)
          .build());
    }
    s.status(Status.ACTIVE);
    s.setPacingArrivalMs(0); // the pacing metric's next interval would span the silence
    return events;
  }

  private AnomalyEvent silenceEvent(DeviceState s, AnomalyKind kind, Severity severity, long silenceMs, long untilMs,
      Instant now, String message) {
    return silence(s, kind, severity, silenceMs, untilMs, now, message).build();
  }

  private AnomalyEvent.Builder silence(DeviceState s, AnomalyKind kind, Severity severity, long silenceMs, long untilMs,
      Instant now, String message) {
    return AnomalyEvent.builder(kind, AnomalySource.STREAM, s.getDeviceId(), null,
            Instant.ofEpochMilli(s.getSilenceStartEventMs()))
        .severity(severity).detectedAt(now)
        .value(silenceMs / 1000.0).expected(expectedInterval(s).toMillis() / 1000.0)
        .message(message)
        .attribute("last_arrival", Instant.ofEpochMilli(s.getSilenceStartArrivalMs()))
        .attribute("read_position", Instant.ofEpochMilli(untilMs))
        .attribute("gap_threshold_ms", gapAfterMs(s))
        .attribute("interval_source", intervalSource(s));
  }

  private static String seconds(long ms) {
    return ms % 1000 == 0 ? Long.toString(ms / 1000) : String.format(Locale.ROOT, "%.1f", ms / 1000.0);
  }
}
