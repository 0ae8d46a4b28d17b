package io.vigil.batch.internal;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Two baselines for one regular series, chosen per series by a one-origin backtest on the last
 * season of history: seasonal naive (the value one season earlier) and a moving average of the
 * last observed buckets. Pure Java on arrays so it is testable without Spark.
 *
 * <p>Series are arrays on the history grid; {@code NaN} marks a missing bucket. Imputed buckets
 * feed the forecasts but are never scored as actuals, so interpolation cannot flatter a method.
 */
public final class BaselineForecaster implements Serializable {
  public static final String SEASONAL_NAIVE = "seasonal_naive";
  public static final String MOVING_AVERAGE = "moving_average";

  /** Why a series got forecasts or not. */
  public enum Status {
    FORECAST,
    /** Fewer observed buckets than the configured minimum. */
    TOO_SHORT,
    /** No observed actual in the held-out season, or nothing before it to fit on. */
    NO_BACKTEST
  }

  /**
   * The outcome for one series.
   *
   * @param maseSeasonalNaive backtest MASE of seasonal naive, NaN when undefined (no in-sample
   *     seasonal differences, or all of them zero while the error is not)
   * @param intervalHalfWidth the configured quantile of the chosen method's absolute backtest errors
   * @param forecasts steps 1..n after the end of history
   */
  public record Result(Status status, String model, int observedBuckets, double maseSeasonalNaive,
      double maseMovingAverage, double intervalHalfWidth, double[] forecasts) {}

  private final int season;
  private final int maWindow;
  private final int minObserved;
  private final double coverage;

  public BaselineForecaster(int season, int maWindow, int minObserved, double coverage) {
    this.season = season;
    this.maWindow = maWindow;
    this.minObserved = minObserved;
    this.coverage = coverage;
  }

  public Result forecast(double[] y, boolean[] imputed, int steps) {
    int observed = 0;
    for (int i = 0; i < y.length; i++) {
      if (!Double.isNaN(y[i]) && !imputed[i]) {
        observed++;
      }
    }
    if (observed < minObserved || y.length < 2 * season) {
      return new Result(Status.TOO_SHORT, null, observed, Double.NaN, Double.NaN, Double.NaN, null);
    }
    int origin = y.length - season;
    double[] sn = seasonalNaive(y, origin, season);
    double[] ma = flat(movingAverage(y, origin, maWindow), season);
    List<Double> snErrors = errors(y, imputed, origin, sn);
    List<Double> maErrors = errors(y, imputed, origin, ma);
    if (snErrors.isEmpty() || maErrors.isEmpty()) {
      return new Result(Status.NO_BACKTEST, null, observed, Double.NaN, Double.NaN, Double.NaN, null);
    }
    double scale = seasonalScale(y, imputed, origin, season);
    double snMae = mean(snErrors);
    double maMae = mean(maErrors);
    // Same scale for both, so choosing by MAE is choosing by MASE; ties go to the reference method.
    boolean useMa = maMae < snMae;
    double[] forecasts = useMa ? flat(movingAverage(y, y.length, maWindow), steps) : seasonalNaive(y, y.length, steps);
    return new Result(Status.FORECAST, useMa ? MOVING_AVERAGE : SEASONAL_NAIVE, observed, mase(snMae, scale),
        mase(maMae, scale), quantile(useMa ? maErrors : snErrors, coverage), forecasts);
  }

  /** Forecasts for steps 1..steps after {@code end}: the latest value in the same season phase. */
  double[] seasonalNaive(double[] y, int end, int steps) {
    double[] out = new double[steps];
    double fallback = Double.NaN;
    for (int k = 1; k <= steps; k++) {
      int i = end - season + Math.floorMod(k - 1, season);
      while (i >= 0 && Double.isNaN(y[i])) {
        i -= season;
      }
      if (i >= 0) {
        out[k - 1] = y[i];
      } else {
        // That phase was never seen in the window: the recent level is the least surprising guess.
        if (Double.isNaN(fallback)) {
          fallback = movingAverage(y, end, season);
        }
        out[k - 1] = fallback;
      }
    }
    return out;
  }

  /** The mean of the last {@code window} observed values before {@code end}. */
  static double movingAverage(double[] y, int end, int window) {
    double sum = 0;
    int n = 0;
    for (int i = end - 1; i >= 0 && n < window; i--) {
      if (!Double.isNaN(y[i])) {
        sum += y[i];
        n++;
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  private static double[] flat(double value, int steps) {
    double[] out = new double[steps];
    Arrays.fill(out, value);
    return out;
  }

  private static List<Double> errors(double[] y, boolean[] imputed, int origin, double[] forecast) {
    List<Double> out = new ArrayList<>();
    for (int k = 0; k < forecast.length && origin + k < y.length; k++) {
      double actual = y[origin + k];
      if (!Double.isNaN(actual) && !imputed[origin + k] && !Double.isNaN(forecast[k])) {
        out.add(Math.abs(actual - forecast[k]));
      }
    }
    return out;
  }

  /** In-sample MAE of the seasonal naive one-season-ahead forecast on the training part: MASE's denominator. */
  static double seasonalScale(double[] y, boolean[] imputed, int end, int season) {
    double sum = 0;
    int n = 0;
    for (int t = season; t < end; t++) {
      if (!Double.isNaN(y[t]) && !Double.isNaN(y[t - season]) && !imputed[t] && !imputed[t - season]) {
        sum += Math.abs(y[t] - y[t - season]);
        n++;
      }
    }
    return n == 0 ? Double.NaN : sum / n;
  }

  private static double mase(double mae, double scale) {
    if (Double.isNaN(scale)) {
      return Double.NaN;
    }
    if (scale == 0) {
      return mae == 0 ? 0 : Double.NaN;
    }
    return mae / scale;
  }

  private static double mean(List<Double> xs) {
    return xs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }

  /** Nearest-rank quantile. */
  static double quantile(List<Double> xs, double q) {
    double[] sorted = xs.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int rank = (int) Math.ceil(q * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}
