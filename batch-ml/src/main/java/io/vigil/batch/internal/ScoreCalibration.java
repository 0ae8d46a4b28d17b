package io.vigil.batch.internal;

/**
 * Robust z to an anomaly score in [0, 1]: {@code score = min(1, -log10(p) / L)}, where {@code p}
 * is the two-sided Gaussian tail probability of |z| and {@code L} the log10 odds at which the
 * score reaches 1 (score.calibration.max.log10p, 10 by default).
 *
 * <p>Why not {@code 1 - p}: an hourly run sees hundreds of readings per series, so useful
 * thresholds sit at p of 1e-5 or smaller, where {@code 1 - p} is 0.99999 and saturates at 1.0
 * in double precision by |z| of about 8, so a threshold is unreadable and big anomalies tie. On the
 * log scale the score reads directly as a false-alarm rate on Gaussian residuals: a threshold of
 * 0.5 with L = 10 means p <= 1e-5 (|z| >= 4.42), 0.8 means p <= 1e-8 (|z| >= 5.73); |z| <= 1 scores
 * below 0.05. The map is monotone in |z| and 0 at z = 0.
 *
 * <p>p is computed in log space (the Chebyshev form of erfc from Numerical Recipes, relative error
 * below 1.2e-7), so it never underflows for large z.
 */
public final class ScoreCalibration {
  private static final double LN10 = Math.log(10);
  private static final double SQRT2 = Math.sqrt(2);

  private ScoreCalibration() {}

  /** log10 of the two-sided tail probability P(|Z| >= |z|) for a standard normal Z. */
  public static double log10TwoSidedP(double z) {
    double x = Math.abs(z) / SQRT2;
    double t = 1 / (1 + 0.5 * x);
    double lnErfc = Math.log(t) - x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
        + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
        + t * (-0.82215223 + t * 0.17087277))))))));
    return Math.min(0, lnErfc / LN10);
  }

  /** The score of robust z; NaN in, NaN out. */
  public static double score(double z, double maxLog10p) {
    if (Double.isNaN(z)) {
      return Double.NaN;
    }
    return Math.max(0, Math.min(1, -log10TwoSidedP(z) / maxLog10p));
  }

  /** The smallest |z| whose score reaches {@code score} (by bisection; for logs and docs). */
  public static double zFor(double score, double maxLog10p) {
    double lo = 0;
    double hi = 100;
    for (int i = 0; i < 100; i++) {
      double mid = (lo + hi) / 2;
      if (score(mid, maxLog10p) >= score) {
        hi = mid;
      } else {
        lo = mid;
      }
    }
    return hi;
  }
}
