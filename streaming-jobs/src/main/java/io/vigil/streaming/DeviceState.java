package io.vigil.streaming;

import java.io.Serializable;
import java.util.Arrays;

/**
 * What the device watch remembers about one device between micro-batches. A Java bean so Spark
 * stores it as columns (Encoders.bean) in the state store; a change to its fields changes the state
 * schema and needs a new checkpoint version (see {@link StreamingJobConfig}).
 *
 * <p>Size is bounded: a fixed ring of recent intervals plus a few scalars.
 */
public final class DeviceState implements Serializable {
  private static final long serialVersionUID = 1L;

  /** Where a device stands. */
  public enum Status { ACTIVE, GAP, INACTIVE }

  private String deviceId;
  private String status = Status.ACTIVE.name();
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

  public DeviceState() {}

  static DeviceState first(String deviceId, long eventMs, long arrivalMs, int window) {
    DeviceState s = new DeviceState();
    s.deviceId = deviceId;
    s.firstSeenMs = arrivalMs;
    s.lastArrivalMs = arrivalMs;
    s.lastEventMs = eventMs;
    s.recentIntervalsMs = new long[window];
    return s;
  }

  public Status status() {
    return Status.valueOf(status);
  }

  void status(Status value) {
    status = value.name();
  }

  /** Remembers one inter-arrival interval, overwriting the oldest once the window is full. */
  void addInterval(long intervalMs, int window) {
    if (recentIntervalsMs.length != window) {
      // The window setting changed between runs: keep the newest intervals that still fit.
      long[] resized = new long[window];
      int kept = (int) Math.min(Math.min(intervalsSeen, recentIntervalsMs.length), window);
      for (int i = 0; i < kept; i++) {
        int from = Math.floorMod(nextIntervalSlot - 1 - i, Math.max(1, recentIntervalsMs.length));
        resized[kept - 1 - i] = recentIntervalsMs[from];
      }
      recentIntervalsMs = resized;
      nextIntervalSlot = kept % window;
      intervalsSeen = kept;
    }
    recentIntervalsMs[nextIntervalSlot] = intervalMs;
    nextIntervalSlot = (nextIntervalSlot + 1) % window;
    intervalsSeen++;
  }

  /** Median of the remembered intervals; robust to the odd burst or redelivery. -1 when none. */
  long medianIntervalMs() {
    int n = (int) Math.min(intervalsSeen, recentIntervalsMs.length);
    if (n == 0) {
      return -1;
    }
    long[] sorted = Arrays.copyOf(recentIntervalsMs, n);
    Arrays.sort(sorted);
    return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
  }

  // ---- bean accessors (for Spark's encoder) ----------------------------------------------------

  public String getDeviceId() { return deviceId; }
  public void setDeviceId(String v) { deviceId = v; }
  public String getStatus() { return status; }
  public void setStatus(String v) { status = v; }
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

  @Override
  public String toString() {
    return "DeviceState{" + deviceId + ' ' + status + " lastArrival=" + lastArrivalMs + " lastEvent=" + lastEventMs
        + " median=" + medianIntervalMs() + " seen=" + intervalsSeen + '}';
  }
}
