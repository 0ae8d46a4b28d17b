package io.vigil.batch.internal;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * How one series' readings fall in time: its gaps, the runs of a per-reading flag and the neighbourhoods
 * around a reading. Every detector of {@link SeriesScorer} works on runs and neighbourhoods that must not
 * span a gap (a silence longer than {@code gapFactor} median reading intervals), so those rules live here
 * once rather than in each detector. The times are sorted.
 */
final class ReadingRuns {
  private ReadingRuns() {}

  /** {@code gap[j]}: the silence before reading j is longer than {@code factor} median intervals. */
  static boolean[] gaps(long[] t, double factor) {
    boolean[] gap = new boolean[t.length];
    if (t.length < 3) {
      return gap;
    }
    double typical = typicalInterval(t);
    if (!(typical > 0)) {
      return gap;
    }
    for (int j = 1; j < t.length; j++) {
      gap[j] = t[j] - t[j - 1] > factor * typical;
    }
    return gap;
  }

  /** The median positive interval between consecutive readings; NaN with fewer than two distinct times. */
  static double typicalInterval(long[] t) {
    double[] d = new double[Math.max(0, t.length - 1)];
    for (int j = 1; j < t.length; j++) {
      d[j - 1] = t[j] - t[j - 1];
    }
    return RobustScale.median(Arrays.stream(d).filter(x -> x > 0).toArray());
  }

  /** Readings in one {@code windowMicros} at the series' typical interval, at least {@code min}. */
  static int neighbours(long[] t, long windowMicros, int min) {
    double typical = typicalInterval(t);
    return typical > 0 ? (int) Math.max(min, Math.min(10_000, Math.round(windowMicros / typical))) : min;
  }

  /** Whether reading {@code q} starts a run of {@code flag}: flagged, and not continuing a run before it. */
  static boolean runStarts(boolean[] flag, boolean[] gapBefore, int q) {
    return flag[q] && !continues(flag, gapBefore, q);
  }

  /** The end (exclusive) of the run of {@code flag} from {@code q}: it stops at the first unflagged reading or gap. */
  static int runEnd(boolean[] flag, boolean[] gapBefore, int q) {
    int end = q + 1;
    while (end < flag.length && flag[end] && !gapBefore[end]) {
      end++;
    }
    return end;
  }

  /** Whether reading {@code j} continues a run of {@code flag}: the reading before it is flagged, with no gap between. */
  static boolean continues(boolean[] flag, boolean[] gapBefore, int j) {
    return j > 0 && flag[j - 1] && !gapBefore[j];
  }

  /** Whether {@code flag} is set within {@code w} readings of {@code i}, not crossing a gap. */
  static boolean anyFlag(boolean[] flag, boolean[] gapBefore, int i, int w) {
    for (int q = i; q >= Math.max(0, i - w); q--) {
      if (flag[q]) {
        return true;
      }
      if (gapBefore[q]) {
        break;
      }
    }
    for (int q = i + 1; q <= Math.min(flag.length - 1, i + w) && !gapBefore[q]; q++) {
      if (flag[q]) {
        return true;
      }
    }
    return false;
  }

  /** Whether there is a gap before any of the readings {@code [from, to]}. */
  static boolean anyGap(boolean[] gapBefore, int from, int to) {
    for (int j = from; j <= to; j++) {
      if (gapBefore[j]) {
        return true;
      }
    }
    return false;
  }

  /** The median z of up to {@code w} readings either side of {@code i}, not crossing a gap; 0 when there are none. */
  static double neighbourMedian(double[] z, boolean[] gapBefore, int i, int w) {
    List<Double> xs = new ArrayList<>();
    for (int q = i - 1; q >= Math.max(0, i - w) && !gapBefore[q + 1]; q--) {
      xs.add(z[q]);
    }
    for (int q = i + 1; q <= Math.min(z.length - 1, i + w) && !gapBefore[q]; q++) {
      xs.add(z[q]);
    }
    double m = RobustScale.median(xs.stream().mapToDouble(Double::doubleValue).toArray());
    return Double.isNaN(m) ? 0 : m;
  }

  /** The first index in {@code [0, limit]} whose time is after {@code micros}. */
  static int firstIndexAfter(long[] t, long micros, int limit) {
    int lo = 0;
    int hi = limit;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (t[mid] <= micros) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** The first index whose time is at or after {@code micros}; {@code t.length} when there is none. */
  static int firstIndexAtOrAfter(long[] t, long micros) {
    int lo = 0;
    int hi = t.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (t[mid] < micros) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }
}
