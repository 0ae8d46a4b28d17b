package io.vigil.batch.internal;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Per-series scaling: {@code z = (value - center) / scale} with the median as center and the MAD
 * (scaled to a normal sigma) as scale, so one model can serve series of any level and unit and a
 * few outliers do not set the scale. Falls back to the standard deviation when the MAD is zero
 * (a series that mostly repeats one value), and to a tiny positive floor for a constant series.
 */
public record Normaliser(double center, double scale) implements Serializable {
  private static final double MAD_TO_SIGMA = 1.4826;

  /** Fitted on the real (not imputed) readings among the first {@code end} buckets only. */
  public static Normaliser fit(SeriesHistory s, int end) {
    double[] v = new double[end];
    int n = 0;
    for (int i = 0; i < end; i++) {
      if (s.observed(i)) {
        v[n++] = s.y()[i];
      }
    }
    if (n == 0) {
      return new Normaliser(0, 1);
    }
    double[] xs = Arrays.copyOf(v, n);
    double median = median(xs);
    double[] dev = new double[n];
    for (int i = 0; i < n; i++) {
      dev[i] = Math.abs(xs[i] - median);
    }
    double scale = MAD_TO_SIGMA * median(dev);
    if (!(scale > 0)) {
      double mean = Arrays.stream(xs).average().orElse(0);
      scale = Math.sqrt(Arrays.stream(xs).map(x -> (x - mean) * (x - mean)).sum() / n);
    }
    double floor = 1e-9 * Math.max(1, Math.abs(median));
    return new Normaliser(median, Math.max(scale, floor));
  }

  public double normalise(double value) {
    return (value - center) / scale;
  }

  public double denormalise(double z) {
    return center + z * scale;
  }

  static double median(double[] xs) {
    double[] s = xs.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }
}
