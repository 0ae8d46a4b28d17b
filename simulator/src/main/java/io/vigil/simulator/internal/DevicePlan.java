package io.vigil.simulator.internal;

import io.vigil.simulator.FaultKind;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The device-level faults one device will suffer in a window, fixed before any message is
 * generated. Every random draw happens whether or not the fault is enabled, so changing one
 * probability does not move the others.
 */
public record DevicePlan(long deathAt, long freqAt, long newIntervalMs, long skewAt, long skewOffsetMs,
    long[] shiftAt, double[] shiftDelta, long[] driftAt, double[] driftPerMs, List<long[]> gaps) {

  public static final long NEVER = Long.MAX_VALUE;
  private static final long DAY_MS = 86_400_000L;

  public static DevicePlan draw(long seed, DeviceProfile profile, FaultSettings f, long start, long end) {
    SplittableRandom rng = Seeds.stream(seed, profile.index(), Seeds.PLAN);
    long width = end - start;

    double u = rng.nextDouble();
    long at = onset(start, width, rng.nextDouble());
    long deathAt = u < f.p(FaultKind.DEAD) ? at : NEVER;

    u = rng.nextDouble();
    at = onset(start, width, rng.nextDouble());
    boolean slower = rng.nextBoolean();
    long freqAt = u < f.p(FaultKind.FREQUENCY_CHANGE) ? at : NEVER;
    long newInterval = Math.max(DeviceProfile.MIN_INTERVAL_MS,
        Math.round(slower ? profile.intervalMs() * f.frequencyFactor() : profile.intervalMs() / f.frequencyFactor()));

    u = rng.nextDouble();
    at = onset(start, width, rng.nextDouble());
    boolean ahead = rng.nextBoolean();
    long skewAt = u < f.p(FaultKind.CLOCK_SKEW) ? at : NEVER;
    long skewOffset = (ahead ? 1 : -1) * f.skewOffset().toMillis();

    int n = profile.metrics().size();
    long[] shiftAt = new long[n];
    double[] shiftDelta = new double[n];
    long[] driftAt = new long[n];
    double[] driftPerMs = new double[n];
    for (int m = 0; m < n; m++) {
      double spread = profile.metrics().get(m).spread();
      u = rng.nextDouble();
      at = onset(start, width, rng.nextDouble());
      double sign = rng.nextBoolean() ? 1 : -1;
      shiftAt[m] = u < f.p(FaultKind.LEVEL_SHIFT) ? at : NEVER;
      shiftDelta[m] = sign * f.shiftSigma() * spread;

      u = rng.nextDouble();
      at = onset(start, width, rng.nextDouble());
      sign = rng.nextBoolean() ? 1 : -1;
      driftAt[m] = u < f.p(FaultKind.DRIFT) ? at : NEVER;
      // Reaches driftSigma spreads by the window end, or after a day in long windows.
      driftPerMs[m] = sign * f.driftSigma() * spread / Math.max(1, Math.min(end - at, DAY_MS));
    }

    long slowest = Math.max(profile.intervalMs(), freqAt == NEVER ? 0 : newInterval);
    long slots = Math.max(1, (width + DAY_MS - 1) / DAY_MS);
    long slotLen = width / slots;
    List<long[]> gaps = new ArrayList<>();
    long gapMin = f.gapMin().toMillis();
    long gapMax = f.gapMax().toMillis();
    for (long s = 0; s < slots; s++) {
      u = rng.nextDouble();
      double durDraw = rng.nextDouble();
      double posDraw = rng.nextDouble();
      if (u >= f.p(FaultKind.GAP)) {
        continue;
      }
      long dur = Math.min(gapMin + (long) (durDraw * (gapMax - gapMin)), Math.min(width / 4, slotLen * 4 / 5));
      long slotStart = start + s * slotLen;
      long gs = slotStart + (long) (posDraw * (slotLen - dur));
      long ge = gs + dur;
      // Leave messages before and after the gap so it is a gap (silence, then resumption), and end it
      // well before the device dies so it cannot blur into the death.
      boolean roomBefore = gs >= start + 2 * slowest;
      boolean roomAfter = ge + 3 * slowest <= end && ge + 3 * slowest <= deathAt;
      if (dur > 0 && roomBefore && roomAfter) {
        gaps.add(new long[] {gs, ge});
      }
    }
    return new DevicePlan(deathAt, freqAt, newInterval, skewAt, skewOffset, shiftAt, shiftDelta, driftAt, driftPerMs,
        List.copyOf(gaps));
  }

  /** Onsets fall in the middle 80% of the window, so both sides of the change are visible. */
  private static long onset(long start, long width, double u) {
    return start + (long) ((0.1 + 0.8 * u) * width);
  }

  /** Whether a silence (gap or death) begins in (from, to]: a message sent then would break it. */
  public boolean silenceStartsIn(long from, long to) {
    if (deathAt > from && deathAt <= to) {
      return true;
    }
    for (long[] g : gaps) {
      if (g[0] > from && g[0] <= to) {
        return true;
      }
    }
    return false;
  }

  /** Index of the gap containing {@code t}, or -1. */
  public int gapAt(long t) {
    for (int i = 0; i < gaps.size(); i++) {
      if (t >= gaps.get(i)[0] && t < gaps.get(i)[1]) {
        return i;
      }
    }
    return -1;
  }
}
