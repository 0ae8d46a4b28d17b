package io.vigil.streaming;

import java.io.Serializable;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;

/**
 * What the device watch remembers about one device between micro-batches. A Java bean so Spark
 * stores it as columns (Encoders.bean) in the state store; a change to its fields changes the state
 * schema and needs a new checkpoint version (see {@link StreamingJobConfig#CHECKPOINT_VERSIONS}).
 *
 * <p>Size is bounded: a fixed ring of recent intervals, a few scalars, one entry per configured
 * threshold rule at most, and a message count for at most {@link PacingMetric#MAX_METRICS} metrics.
 */
public final class DeviceState implements Serializable {
  private static final long serialVersionUID = 3L;

  /** Where a device stands. */
  public enum Status {
    /** Known from the registry, not heard from yet, not yet overdue. */
    REGISTERED,
    /** Known from the registry and overdue without ever reporting (NEVER_REPORTED raised). */
    NEVER_REPORTED,
    ACTIVE,
    GAP,
    INACTIVE,
    /**
     * The device said it went offline (a last will, a Sparkplug death) while active: INACTIVE was
     * raised at once, without a GAP before it, so its return raises REAPPEARED alone.
     */
    OFFLINE
  }

  private String deviceId;
  private String status = Status.ACTIVE.name();
  /** Interval declared in the registry, 0 when the device is not registered. */
  private long registryIntervalMs;
  /** When watching a registered device began (its first batch): NEVER_REPORTED counts from here. */
  private long watchSinceMs;
  private long firstSeenMs;
  private long lastArrivalMs;
  private long lastEventMs;
  /** Event time of the last reading before the current silence: the identity of its events. */
  private long silenceStartEventMs;
  /** Arrival time of that reading: gap lengths are measured from it. */
  private long silenceStartArrivalMs;
  private long[] recentIntervalsMs = new long[0];
  private int nextIntervalSlot;
  private long intervalsSeen;
  /** The interval FREQUENCY_CHANGE is judged against (registry, first learned, or the last change); 0: none yet. */
  private long referenceIntervalMs;
  /** Intervals learned since the reference was set: a change is judged only over new ones. */
  private int intervalsSinceReference;
  /** The metric whose messages the interval is learned from (see {@link PacingMetric}); null until the first message. */
  private String pacingMetric;
  /** Arrival and event time of the pacing metric's previous message; arrival 0: none since the last silence. */
  private long pacingArrivalMs;
  private long pacingEventMs;
  /** Messages per leading metric (decaying counts, at most {@link PacingMetric#MAX_METRICS} metrics). */
  private Map<String, Long> messagesByMetric = new HashMap<>();

  /** The stream read position (arrival watermark) this device last saw, and the wall-clock time it saw it (see DeviceWatch#effectiveNow). */
  private long readPositionMs;
  private long readPositionSeenAtMs;
  /** When the current timeout was due (wall clock), so a call long after it reveals a stopped or lagging query. */
  private long wakeAtMs;

  // Bursts of late and out-of-order readings and clock-skew episodes: start 0 means none open.
  private long lateStartMs;
  private long lateLastMs;
  private int lateCount;
  private boolean lateRaised;
  private long outOfOrderStartMs;
  private long outOfOrderLastMs;
  private int outOfOrderCount;
  private boolean outOfOrderRaised;
  private long skewStartMs;

  /** Open threshold excursions: rule name to event time of the reading that started it. */
  private Map<String, Long> excursions = new HashMap<>();

  public DeviceState() {}

  static DeviceState first(String deviceId, long eventMs, long arrivalMs, int window) {
    DeviceState s = new DeviceState();
    s.deviceId = deviceId;
    s.startReporting(eventMs, arrivalMs, window);
    return s;
  }

  /** A registry device before anything was heard from it. */
  public static DeviceState registered(String deviceId, long registryIntervalMs) {
    DeviceState s = new DeviceState();
    s.deviceId = deviceId;
    s.status = Status.REGISTERED.name();
    s.registryIntervalMs = registryIntervalMs;
    return s;
  }

  void startReporting(long eventMs, long arrivalMs, int window) {
    status = Status.ACTIVE.name();
    firstSeenMs = arrivalMs;
    lastArrivalMs = arrivalMs;
    lastEventMs = eventMs;
    recentIntervalsMs = new long[window];
    if (registryIntervalMs > 0) {
      referenceIntervalMs = registryIntervalMs;
    }
  }

  public Status status() {
    return Status.valueOf(status);
  }

  void status(Status value) {
    status = value.name();
  }

  /** Whether any message of the device carried a reading, not only its status. */
  boolean sentReadings() {
    return !messagesByMetric.isEmpty();
  }

  boolean hasReported() {
    Status s = status();
    return s != Status.REGISTERED && s != Status.NEVER_REPORTED;
  }

  /** Remembers one inter-arrival interval, overwriting the oldest once the window is full. */
  void addInterval(long intervalMs, int window) {
    if (recentIntervalsMs.length != window) {
      // The window setting changed between runs: keep the newest intervals that still fit.
      long[] newest = newest(window);
      recentIntervalsMs = new long[window];
      System.arraycopy(newest, 0, recentIntervalsMs, 0, newest.length);
      nextIntervalSlot = newest.length % window;
      intervalsSeen = newest.length;
    }
    recentIntervalsMs[nextIntervalSlot] = intervalMs;
    nextIntervalSlot = (nextIntervalSlot + 1) % window;
    intervalsSeen++;
    intervalsSinceReference++;
  }

  /**
   * Forgets every learned interval and the reference learned from them (a registry interval stays
   * the reference): they measured another metric's cadence.
   */
  void restartLearning() {
    Arrays.fill(recentIntervalsMs, 0);
    nextIntervalSlot = 0;
    intervalsSeen = 0;
    intervalsSinceReference = 0;
    referenceIntervalMs = registryIntervalMs;
  }

  /** Keeps only the newest {@code n} intervals (after a frequency change the old cadence is history). */
  void keepNewest(int n) {
    long[] newest = newest(n);
    Arrays.fill(recentIntervalsMs, 0);
    System.arraycopy(newest, 0, recentIntervalsMs, 0, newest.length);
    nextIntervalSlot = newest.length % recentIntervalsMs.length;
    intervalsSeen = newest.length;
  }

  /** Up to {@code n} newest intervals, oldest first. */
  long[] newest(int n) {
    int have = (int) Math.min(Math.min(intervalsSeen, recentIntervalsMs.length), n);
    long[] out = new long[have];
    for (int i = 0; i < have; i++) {
      out[have - 1 - i] = recentIntervalsMs[Math.floorMod(nextIntervalSlot - 1 - i, recentIntervalsMs.length)];
    }
    return out;
  }

  /** Median of the remembered intervals; robust to the odd burst or redelivery. -1 when none. */
  long medianIntervalMs() {
    return median(newest(recentIntervalsMs.length));
  }

  /** Median of the newest {@code n} intervals, -1 when none. */
  long recentMedianMs(int n) {
    return median(newest(n));
  }

  private static long median(long[] values) {
    int n = values.length;
    if (n == 0) {
      return -1;
    }
    long[] sorted = values.clone();
    Arrays.sort(sorted);
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  // ---- bean accessors (for Spark's encoder) ----------------------------------------------------

  public String getDeviceId() { return deviceId; }
  public void setDeviceId(String v) { deviceId = v; }
  public String getStatus() { return status; }
  public void setStatus(String v) { status = v; }
  public long getRegistryIntervalMs() { return registryIntervalMs; }
  public void setRegistryIntervalMs(long v) { registryIntervalMs = v; }
  public long getWatchSinceMs() { return watchSinceMs; }
  public void setWatchSinceMs(long v) { watchSinceMs = v; }
  public long getFirstSeenMs() { return firstSeenMs; }
  public void setFirstSeenMs(long v) { firstSeenMs = v; }
  public long getLastArrivalMs() { return lastArrivalMs; }
  public void setLastArrivalMs(long v) { lastArrivalMs = v; }
  public long getLastEventMs() { return lastEventMs; }
  public void setLastEventMs(long v) { lastEventMs = v; }
  public long getSilenceStartEventMs() { return silenceStartEventMs; }
  public void setSilenceStartEventMs(long v) { silenceStartEventMs = v; }
  public long getSilenceStartArrivalMs() { return silenceStartArrivalMs; }
  public void setSilenceStartArrivalMs(long v) { silenceStartArrivalMs = v; }
  public long[] getRecentIntervalsMs() { return recentIntervalsMs; }
  public void setRecentIntervalsMs(long[] v) { recentIntervalsMs = v == null ? new long[0] : v; }
  public int getNextIntervalSlot() { return nextIntervalSlot; }
  public void setNextIntervalSlot(int v) { nextIntervalSlot = v; }
  public long getIntervalsSeen() { return intervalsSeen; }
  public void setIntervalsSeen(long v) { intervalsSeen = v; }
  public long getReferenceIntervalMs() { return referenceIntervalMs; }
  public void setReferenceIntervalMs(long v) { referenceIntervalMs = v; }
  public int getIntervalsSinceReference() { return intervalsSinceReference; }
  public void setIntervalsSinceReference(int v) { intervalsSinceReference = v; }
  public String getPacingMetric() { return pacingMetric; }
  public void setPacingMetric(String v) { pacingMetric = v; }
  public long getPacingArrivalMs() { return pacingArrivalMs; }
  public void setPacingArrivalMs(long v) { pacingArrivalMs = v; }
  public long getPacingEventMs() { return pacingEventMs; }
  public void setPacingEventMs(long v) { pacingEventMs = v; }
  public Map<String, Long> getMessagesByMetric() { return messagesByMetric; }
  public void setMessagesByMetric(Map<String, Long> v) { messagesByMetric = v == null ? new HashMap<>() : new HashMap<>(v); }
  public long getReadPositionMs() { return readPositionMs; }
  public void setReadPositionMs(long v) { readPositionMs = v; }
  public long getReadPositionSeenAtMs() { return readPositionSeenAtMs; }
  public void setReadPositionSeenAtMs(long v) { readPositionSeenAtMs = v; }
  public long getWakeAtMs() { return wakeAtMs; }
  public void setWakeAtMs(long v) { wakeAtMs = v; }
  public long getLateStartMs() { return lateStartMs; }
  public void setLateStartMs(long v) { lateStartMs = v; }
  public long getLateLastMs() { return lateLastMs; }
  public void setLateLastMs(long v) { lateLastMs = v; }
  public int getLateCount() { return lateCount; }
  public void setLateCount(int v) { lateCount = v; }
  public boolean isLateRaised() { return lateRaised; }
  public void setLateRaised(boolean v) { lateRaised = v; }
  public long getOutOfOrderStartMs() { return outOfOrderStartMs; }
  public void setOutOfOrderStartMs(long v) { outOfOrderStartMs = v; }
  public long getOutOfOrderLastMs() { return outOfOrderLastMs; }
  public void setOutOfOrderLastMs(long v) { outOfOrderLastMs = v; }
  public int getOutOfOrderCount() { return outOfOrderCount; }
  public void setOutOfOrderCount(int v) { outOfOrderCount = v; }
  public boolean isOutOfOrderRaised() { return outOfOrderRaised; }
  public void setOutOfOrderRaised(boolean v) { outOfOrderRaised = v; }
  public long getSkewStartMs() { return skewStartMs; }
  public void setSkewStartMs(long v) { skewStartMs = v; }
  public Map<String, Long> getExcursions() { return excursions; }
  public void setExcursions(Map<String, Long> v) { excursions = v == null ? new HashMap<>() : new HashMap<>(v); }

  /** A deep copy (the tests replay a state from an earlier point). */
  public DeviceState copy() {
    DeviceState c = new DeviceState();
    c.deviceId = deviceId; c.status = status; c.registryIntervalMs = registryIntervalMs; c.watchSinceMs = watchSinceMs;
    c.firstSeenMs = firstSeenMs; c.lastArrivalMs = lastArrivalMs; c.lastEventMs = lastEventMs;
    c.silenceStartEventMs = silenceStartEventMs; c.silenceStartArrivalMs = silenceStartArrivalMs;
    c.recentIntervalsMs = recentIntervalsMs.clone(); c.nextIntervalSlot = nextIntervalSlot; c.intervalsSeen = intervalsSeen;
    c.referenceIntervalMs = referenceIntervalMs; c.intervalsSinceReference = intervalsSinceReference;
    c.pacingMetric = pacingMetric; c.pacingArrivalMs = pacingArrivalMs; c.pacingEventMs = pacingEventMs;
    c.messagesByMetric = new HashMap<>(messagesByMetric);
    c.readPositionMs = readPositionMs; c.readPositionSeenAtMs = readPositionSeenAtMs; c.wakeAtMs = wakeAtMs;
    c.lateStartMs = lateStartMs; c.lateLastMs = lateLastMs; c.lateCount = lateCount; c.lateRaised = lateRaised;
    c.outOfOrderStartMs = outOfOrderStartMs; c.outOfOrderLastMs = outOfOrderLastMs; c.outOfOrderCount = outOfOrderCount;
    c.outOfOrderRaised = outOfOrderRaised; c.skewStartMs = skewStartMs; c.excursions = new HashMap<>(excursions);
    return c;
  }

  @Override
  public String toString() {
    return "DeviceState{" + deviceId + ' ' + status + " lastArrival=" + lastArrivalMs + " lastEvent=" + lastEventMs
        + " median=" + medianIntervalMs() + " seen=" + intervalsSeen + " reference=" + referenceIntervalMs + " pacing=" + pacingMetric + '}';
  }
}
