package io.vigil.batch.internal;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Rolling-origin backtest of one series: K origins over the end of the history, each forecasting
 * horizons 1..H from the buckets up to it, for the model and both baselines on exactly the same
 * targets. A target counts only if it is a real reading that no long gap separates from its origin
 * and the model could serve the origin ({@link Features#scorable}), so every method is scored on
 * the same set.
 *
 * <p>MASE is scaled by the in-sample MAE of the one-season seasonal naive forecast on the buckets
 * before the first origin; relMASE is the model's MASE over seasonal naive's (the scale cancels).
 * sMAPE is in percent (0..200), a term being 0 when actual and forecast are both 0.
 */
public final class Backtest {
  private Backtest() {}

  /**
   * @param origins K
   * @param spacing buckets between consecutive origins
   * @param coverage the quantile of the model's absolute normalised errors kept for intervals
   */
  public record Spec(int origins, int spacing, int horizon, int season, int movingAverageWindow, double coverage)
      implements Serializable {

    /** The first (earliest) origin for a history of {@code n} buckets; its targets start right after it. */
    public int firstOrigin(int n) {
      return lastOrigin(n) - (origins - 1) * spacing;
    }

    /** The last origin: its horizon H ends at the last bucket of the history. */
    public int lastOrigin(int n) {
      return n - 1 - horizon;
    }
  }

  /**
   * One series' scores; MAE in the series' units, NaN when there was nothing to score.
   *
   * @param scale MASE's denominator; NaN when undefined, 0 for a series with no seasonal variation
   * @param errorQuantileZ the coverage quantile of the model's absolute errors over the series scale
   */
  public record SeriesScore(String deviceId, String metric, int targets, double scale,
      double maeModel, double maeSeasonalNaive, double maeMovingAverage,
      double smapeModel, double smapeSeasonalNaive, double smapeMovingAverage, double errorQuantileZ)
      implements Serializable {

    public double maseModel() {
      return ratio(maeModel, scale);
    }

    public double maseSeasonalNaive() {
      return ratio(maeSeasonalNaive, scale);
    }

    public double maseMovingAverage() {
      return ratio(maeMovingAverage, scale);
    }

    /** MASE(model) / MASE(seasonal naive) for this series. */
    public double relMase() {
      return ratio(maeModel, maeSeasonalNaive);
    }

    /** Whether the series enters the overall figures: scored targets and a usable MASE scale. */
    public boolean counted() {
      return targets > 0 && scale > 0 && !Double.isNaN(maeModel);
    }
  }

  /**
   * Overall scores. {@code relMase} is the mean MASE of the model over the mean MASE of seasonal
   * naive across counted series (the M4 convention): each series weighs by its own scale, and one
   * series that seasonal naive happens to nail cannot blow the figure up as a mean of per-series
   * ratios would. {@code meanSeriesRelMase} (that mean of ratios) is reported alongside.
   */
  public record Summary(int seriesScored, long targets, double meanMaseModel, double meanMaseSeasonalNaive,
      double meanMaseMovingAverage, double relMase, double relMaseMovingAverage, double meanSeriesRelMase,
      double meanSmapeModel, double meanSmapeSeasonalNaive, double meanSmapeMovingAverage, double errorQuantileZ)
      implements Serializable {

    public static Summary of(List<SeriesScore> scores) {
      List<SeriesScore> counted = scores.stream().filter(SeriesScore::counted).toList();
      long targets = counted.stream().mapToLong(SeriesScore::targets).sum();
      double mm = mean(counted.stream().mapToDouble(SeriesScore::maseModel).toArray());
      double ms = mean(counted.stream().mapToDouble(SeriesScore::maseSeasonalNaive).toArray());
      double ma = mean(counted.stream().mapToDouble(SeriesScore::maseMovingAverage).toArray());
      double[] quantiles = counted.stream().mapToDouble(SeriesScore::errorQuantileZ).filter(Double::isFinite).toArray();
      return new Summary(counted.size(), targets, mm, ms, ma, ratio(mm, ms), ratio(ma, ms),
          mean(counted.stream().mapToDouble(SeriesScore::relMase).filter(Double::isFinite).toArray()),
          mean(counted.stream().mapToDouble(SeriesScore::smapeModel).toArray()),
          mean(counted.stream().mapToDouble(SeriesScore::smapeSeasonalNaive).toArray()),
          mean(counted.stream().mapToDouble(SeriesScore::smapeMovingAverage).toArray()),
          quantiles.length == 0 ? Double.NaN : Normaliser.median(quantiles));
    }
  }

  /**
   * One series' errors at each correction weight, per backtest origin: what {@link CorrectionWeight}
   * weighs the model's correction by.
   *
   * @param scale MASE's denominator, as in {@link SeriesScore}
   * @param targets per origin k (0 = the first), the targets scored
   * @param absErrors per origin k and weight w, the sum of the model's absolute errors over those targets
   */
  public record WeightErrors(String deviceId, String metric, double scale, int[] targets, double[][] absErrors)
      implements Serializable {}

  /** Backtests one series; {@code model} is the forecaster trained on data before the first origin. */
  public static SeriesScore run(SeriesHistory s, Spec spec, ModelForecaster model) {
    double[] same = new double[spec.origins()];
    Arrays.fill(same, model.correctionWeight());
    return run(s, spec, model, same);
  }

  /**
   * One series' errors at every weight in {@code weights}, per origin, on the targets {@link #run}
   * scores.
   */
  public static WeightErrors errorsByWeight(SeriesHistory s, Spec spec, ModelForecaster model, double[] weights) {
    int n = s.length();
    int first = spec.firstOrigin(n);
    BaselineForecaster baseline = new BaselineForecaster(spec.season(), spec.movingAverageWindow(), 1, spec.coverage());
    int[] targets = new int[spec.origins()];
    double[][] errors = new double[spec.origins()][weights.length];
    for (int k = 0; k < spec.origins(); k++) {
      int t = first + k * spec.spacing();
      if (t < 0 || !Features.servable(s, model.spec(), t)) {
        continue;
      }
      double[] known = Arrays.copyOf(s.y(), t + 1);
      double[] sn = baseline.seasonalNaive(known, t + 1, spec.horizon());
      double ma = BaselineForecaster.movingAverage(known, t + 1, spec.movingAverageWindow());
      for (int w = 0; w < weights.length; w++) {
        double[] f = model.withCorrectionWeight(weights[w]).forecastFrom(s, t, spec.horizon()).values();
        for (int h = 1; h <= spec.horizon(); h++) {
          if (Features.scorable(s, model.spec(), t, h) && !Double.isNaN(sn[h - 1]) && !Double.isNaN(ma)) {
            errors[k][w] += Math.abs(s.y()[t + h] - f[h - 1]);
            targets[k] += w == 0 ? 1 : 0;
          }
        }
      }
    }
    return new WeightErrors(s.deviceId(), s.metric(), scale(s, spec, first), targets, errors);
  }

  /**
   * Backtests one series with the model's correction weighted per origin: {@code weightByOrigin[k]}
   * at origin k (0 = the first).
   */
  public static SeriesScore run(SeriesHistory s, Spec spec, ModelForecaster model, double[] weightByOrigin) {
    int n = s.length();
    int first = spec.firstOrigin(n);
    FeatureSpec features = model.spec();
    BaselineForecaster baseline = new BaselineForecaster(spec.season(), spec.movingAverageWindow(), 1, spec.coverage());
    double scale = scale(s, spec, first);
    List<Double> em = new ArrayList<>();
    List<Double> es = new ArrayList<>();
    List<Double> ea = new ArrayList<>();
    List<Double> pm = new ArrayList<>();
    List<Double> ps = new ArrayList<>();
    List<Double> pa = new ArrayList<>();
    List<Double> ez = new ArrayList<>();
    for (int t = first; t <= spec.lastOrigin(n); t += spec.spacing()) {
      if (t < 0 || !Features.servable(s, features, t)) {
        continue;
      }
      ModelForecaster.Forecast fm = model.withCorrectionWeight(weightByOrigin[(t - first) / spec.spacing()])
          .forecastFrom(s, t, spec.horizon());
      double[] known = Arrays.copyOf(s.y(), t + 1);
      double[] sn = baseline.seasonalNaive(known, t + 1, spec.horizon());
      double ma = BaselineForecaster.movingAverage(known, t + 1, spec.movingAverageWindow());
      for (int h = 1; h <= spec.horizon(); h++) {
        if (!Features.scorable(s, features, t, h) || Double.isNaN(sn[h - 1]) || Double.isNaN(ma)) {
          continue;
        }
        double actual = s.y()[t + h];
        double fModel = fm.values()[h - 1];
        em.add(Math.abs(actual - fModel));
        es.add(Math.abs(actual - sn[h - 1]));
        ea.add(Math.abs(actual - ma));
        pm.add(smape(actual, fModel));
        ps.add(smape(actual, sn[h - 1]));
        pa.add(smape(actual, ma));
        ez.add(Math.abs(actual - fModel) / fm.scale());
      }
    }
    return new SeriesScore(s.deviceId(), s.metric(), em.size(), scale, mean(em), mean(es), mean(ea),
        mean(pm), mean(ps), mean(pa), ez.isEmpty() ? Double.NaN : BaselineForecaster.quantile(ez, spec.coverage()));
  }

  private static double scale(SeriesHistory s, Spec spec, int first) {
    return first <= spec.season() ? Double.NaN : BaselineForecaster.seasonalScale(s.y(), s.imputed(), first + 1, spec.season());
  }

  static double smape(double actual, double forecast) {
    double denom = Math.abs(actual) + Math.abs(forecast);
    return denom == 0 ? 0 : 200 * Math.abs(actual - forecast) / denom;
  }

  private static double ratio(double a, double b) {
    if (Double.isNaN(a) || Double.isNaN(b)) {
      return Double.NaN;
    }
    if (b == 0) {
      return a == 0 ? 1 : Double.NaN;
    }
    return a / b;
  }

  private static double mean(List<Double> xs) {
    return xs.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
  }

  private static double mean(double[] xs) {
    return Arrays.stream(xs).average().orElse(Double.NaN);
  }
}
