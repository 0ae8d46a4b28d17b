package io.vigil.simulator.internal;

import java.util.SplittableRandom;

/**
 * One metric's clean signal: level + daily and weekly seasonality + linear trend + Gaussian noise,
 * clamped to its physical range and rounded to its precision. Seasonality is anchored on UTC
 * wall time, so the same hour looks alike across runs; the trend is anchored at the window start.
 */
public record MetricModel(String name, double base, double dailyAmplitude, double dailyPhase, double weeklyAmplitude,
    double weeklyPhase, double trendPerDay, double noiseSigma, double min, double max, int decimals) {

  static final double DAY_MS = 86_400_000.0;
  static final double WEEK_MS = 7 * DAY_MS;

  /** The signal without noise at {@code epochMs}, {@code sinceStartMs} after the window start. */
  public double expected(long epochMs, long sinceStartMs) {
    double daily = dailyAmplitude * Math.sin(2 * Math.PI * Math.floorMod(epochMs, (long) DAY_MS) / DAY_MS + dailyPhase);
    double weekly = weeklyAmplitude * Math.sin(2 * Math.PI * Math.floorMod(epochMs, (long) WEEK_MS) / WEEK_MS + weeklyPhase);
    return base + daily + weekly + trendPerDay * (sinceStartMs / DAY_MS);
  }

  /** A reading: expected value plus noise from {@code rng}, clamped; always draws exactly one Gaussian. */
  public double sample(long epochMs, long sinceStartMs, SplittableRandom rng) {
    double v = expected(epochMs, sinceStartMs) + noiseSigma * rng.nextGaussian();
    return Math.max(min, Math.min(max, v));
  }

  /** The metric's natural spread: how far a normal reading strays from the level. Faults scale by it. */
  public double spread() {
    return noiseSigma + dailyAmplitude + weeklyAmplitude;
  }

  /** The same signal under another name (a dialect's name for the metric). */
  public MetricModel named(String newName) {
    return newName.equals(name) ? this : new MetricModel(newName, base, dailyAmplitude, dailyPhase, weeklyAmplitude,
        weeklyPhase, trendPerDay, noiseSigma, min, max, decimals);
  }

  public double round(double v) {
    double f = Math.pow(10, decimals);
    return Math.round(v * f) / f;
  }
}
