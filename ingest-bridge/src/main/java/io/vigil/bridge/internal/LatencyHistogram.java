package io.vigil.bridge.internal;

import java.util.Arrays;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * Latencies in fixed buckets (Prometheus histogram: cumulative counts, sum, count) plus a ring of
 * the most recent observations for exact p50/p99 of recent traffic, which a histogram only estimates.
 */
public final class LatencyHistogram {
  /** Upper bounds in seconds: from a fast local Kafka (ms) to a long outage (minutes). */
  public static final double[] BOUNDS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300};
  private static final int RECENT = 2048;

  private final AtomicLongArray buckets = new AtomicLongArray(BOUNDS.length + 1);
  private final LongAdder count = new LongAdder();
  private final LongAdder sumMicros = new LongAdder();
  private final long[] recent = new long[RECENT];
  private int recentNext;
  private int recentSize;

  public void observeMillis(long millis) {
    long m = Math.max(0, millis);
    double seconds = m / 1000.0;
    int i = 0;
    while (i < BOUNDS.length && seconds > BOUNDS[i]) {
      i++;
    }
    buckets.incrementAndGet(i);
    count.increment();
    sumMicros.add(m * 1000);
    synchronized (recent) {
      recent[recentNext] = m;
      recentNext = (recentNext + 1) % RECENT;
      recentSize = Math.min(recentSize + 1, RECENT);
    }
  }

  public long count() {
    return count.sum();
  }

  public double sumSeconds() {
    return sumMicros.sum() / 1_000_000.0;
  }

  /** Cumulative count of observations at or below each of {@link #BOUNDS}, then the total (+Inf). */
  public long[] cumulativeCounts() {
    long[] out = new long[BOUNDS.length + 1];
    long running = 0;
    for (int i = 0; i < out.length; i++) {
      running += buckets.get(i);
      out[i] = running;
    }
    return out;
  }

  /** The q-quantile (0..1) in seconds of the most recent observations; NaN when there are none. */
  public double recentQuantileSeconds(double q) {
    long[] copy;
    synchronized (recent) {
      copy = Arrays.copyOf(recent, recentSize);
    }
    if (copy.length == 0) {
      return Double.NaN;
    }
    Arrays.sort(copy);
    int index = (int) Math.ceil(q * copy.length) - 1;
    return copy[Math.max(0, Math.min(copy.length - 1, index))] / 1000.0;
  }
}
