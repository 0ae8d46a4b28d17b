package io.vigil.batch;

/**
 * A device's anomaly score at one time from the scores of its metrics at that time: a fault usually shows
 * on several metrics at once, and the user wants one alarm per device, not one per metric.
 *
 * <p>The combination is Šidák's correction of the smallest tail probability: each metric score is read
 * back as the tail probability it stands for ({@code p = 10^(-score * L)}, L = score.calibration.max.log10p,
 * the inverse of the scorer's calibration), and the device's probability is {@code 1 - (1 - p_min)^k} for
 * the k metrics that have a score, mapped back through the same calibration. So a device of 8 metrics with
 * no fault alarms about as often as one metric does (not 8 times as often), and a device reading scores
 * at least as high as its most surprising metric minus log10(k)/L (0.09 for 8 metrics at L = 10).
 *
 * <p>Why not Fisher's or Stouffer's sum: both assume independent metrics, and a rig's metrics are
 * strongly correlated (pump current, pressure and flow move together), so a sum counts one surprise
 * several times and alarms on many mildly unusual metrics; the min-p with Šidák stays valid (conservative)
 * under the positive dependence real metrics have, and one clearly broken metric is enough to alarm.
 */
public final class DeviceScore {
  private final double maxLog10p;

  public DeviceScore(ForecastJobConfig config) {
    this(config.scoreMaxLog10p());
  }

  DeviceScore(double maxLog10p) {
    this.maxLog10p = maxLog10p;
  }

  /** The device score of one time from its metrics' scores there; NaN means no score and is left out; 0 when none has one. */
  public double combine(double... metricScores) {
    int k = 0;
    double best = 0;
    for (double s : metricScores) {
      if (Double.isFinite(s)) {
        k++;
        best = Math.max(best, Math.min(1, Math.max(0, s)));
      }
    }
    if (k == 0 || best == 0) {
      return 0;
    }
    double log10p = -best * maxLog10p;
    // 1 - (1 - p)^k without cancellation for the tiny p that matter: -expm1(k * log1p(-p)).
    double p = Math.pow(10, log10p);
    double pDevice = p < 1e-300 ? k * p : -Math.expm1(k * Math.log1p(-p));
    double log10Device = pDevice > 0 ? Math.log10(pDevice) : log10p + Math.log10(k);
    return Math.max(0, Math.min(1, -log10Device / maxLog10p));
  }

  /** {@link #combine(double...)} at every time: {@code byMetric[m][i]} is metric m's score at time i. */
  public double[] combine(double[][] byMetric) {
    int n = byMetric.length == 0 ? 0 : byMetric[0].length;
    double[] out = new double[n];
    double[] at = new double[byMetric.length];
    for (int i = 0; i < n; i++) {
      for (int m = 0; m < byMetric.length; m++) {
        at[m] = byMetric[m][i];
      }
      out[i] = combine(at);
    }
    return out;
  }
}
