package io.vigil.simulator.internal;

/**
 * When each message may go out, on the wall clock (milliseconds). A message is due when the
 * simulated clock reaches its publish time: simulated time equals the anchor at wall start and
 * runs {@code speedup} times faster than the wall clock, so anything published before the anchor
 * (history) is due at once. On top of that the fleet-wide rate cap spaces messages at least
 * 1/rate apart; after a stall at most {@link #MAX_CATCH_UP_MS} of missed slots are made up in a
 * burst, so the cap holds on average without flooding the broker.
 */
public final class Pacer {
  public static final double MAX_CATCH_UP_MS = 1000;

  private final long wallStartMs;
  private final long anchorMs;
  private final double speedup;
  private final double spacingMs;
  private double nextFreeMs;

  /** @param ratePerSecond fleet-wide cap, 0 for none */
  public Pacer(long wallStartMs, long anchorMs, double speedup, double ratePerSecond) {
    if (speedup <= 0 || ratePerSecond < 0) {
      throw new IllegalArgumentException("speedup must be > 0 and rate >= 0");
    }
    this.wallStartMs = wallStartMs;
    this.anchorMs = anchorMs;
    this.speedup = speedup;
    this.spacingMs = ratePerSecond == 0 ? 0 : 1000.0 / ratePerSecond;
    this.nextFreeMs = wallStartMs;
  }

  /** Wall time at which the simulated clock reaches {@code publishMs}. */
  public double dueMs(long publishMs) {
    return wallStartMs + Math.max(0, publishMs - anchorMs) / speedup;
  }

  /** Wall time at which a message with this publish time may be sent, given the rate cap. */
  public double sendAtMs(long publishMs) {
    return Math.max(dueMs(publishMs), nextFreeMs);
  }

  /** Records a send that was scheduled for {@code scheduledMs} and happened at {@code nowMs}. */
  public void sent(double scheduledMs, long nowMs) {
    nextFreeMs = Math.max(scheduledMs, nowMs - MAX_CATCH_UP_MS) + spacingMs;
  }
}
