package io.vigil.batch.internal;

import java.io.Serializable;
import java.util.Arrays;

/**
 * A robust centre and spread of residuals: the median, and 1.4826 x MAD (the normal-consistent
 * factor, so the scale estimates sigma on Gaussian data). Sensors that report few distinct values
 * (quantised, constant) have MAD = 0; then the mean absolute deviation (x 1.2533, also
 * normal-consistent) is used, and if that is 0 too, a floor relative to the series' typical
 * magnitude, so every z stays finite and a constant series that moves scores as anomalous.
 */
public record RobustScale(double center, double scale, String method) implements Serializable {
  public static final String MAD = "mad";
  public static final String MEAN_ABS_DEVIATION = "mean_abs_deviation";
  public static final String FLOOR = "floor";

  /**
   * @param xs residuals; non-finite entries are ignored
   * @param magnitude the series' typical absolute level (for the relative floor)
   * @param relativeFloor floor as a share of {@code magnitude}
   * @param absoluteFloor the smallest scale ever used; must be positive
   */
  public static RobustScale of(double[] xs, double magnitude, double relativeFloor, double absoluteFloor) {
    double[] finite = Arrays.stream(xs).filter(Double::isFinite).toArray();
    if (finite.length == 0) {
      return new RobustScale(0, Math.max(absoluteFloor, relativeFloor * Math.abs(magnitude)), FLOOR);
    }
    double med = median(finite);
    double[] dev = new double[finite.length];
    double sumDev = 0;
    for (int i = 0; i < finite.length; i++) {
      dev[i] = Math.abs(finite[i] - med);
      sumDev += dev[i];
    }
    double mad = 1.4826 * median(dev);
    if (mad > absoluteFloor) {
      return new RobustScale(med, mad, MAD);
    }
    double meanAd = 1.2533 * sumDev / finite.length;
    if (meanAd > absoluteFloor) {
      return new RobustScale(med, meanAd, MEAN_ABS_DEVIATION);
    }
    return new RobustScale(med, Math.max(absoluteFloor, relativeFloor * Math.abs(magnitude)), FLOOR);
  }

  public double z(double x) {
    return (x - center) / scale;
  }

  /** The median of the finite values, NaN when there are none. */
  public static double median(double[] xs) {
    double[] s = Arrays.stream(xs).filter(Double::isFinite).sorted().toArray();
    if (s.length == 0) {
      return Double.NaN;
    }
    int h = s.length / 2;
    return s.length % 2 == 1 ? s[h] : (s[h - 1] + s[h]) / 2;
  }

  /** The median of {@code xs[from..to]} inclusive. */
  public static double median(double[] xs, int from, int to) {
    return median(Arrays.copyOfRange(xs, from, to + 1));
  }
}
