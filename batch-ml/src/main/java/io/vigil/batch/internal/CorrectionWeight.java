package io.vigil.batch.internal;

import java.util.List;
import java.util.function.IntPredicate;

/**
 * How much of the trees' correction a model adds to its base: the share, out of {@link #GRID}, with
 * the lowest error on backtest targets the trees had not seen. Trees fitted on little history (a few
 * days, a day of origins at a few hours of the day) learn that history's noise, and adding it made the
 * model lose to seasonal naive where its base alone beat it; on long histories they earn their full
 * weight. One rule for every series and history, so nothing is tuned per data set.
 *
 * <p>The error of a weight over some backtest origins is the mean over series of the model's mean
 * absolute error on their targets, over the series' MASE scale (the model's side of relMASE, whose
 * seasonal-naive side does not depend on the weight). The backtest's own figure must not be scored
 * with a weight chosen on the same targets, so it is cross-fitted: the targets of origin k are
 * forecast with the weight that did best on the other origins ({@link #crossFitted}). The model that
 * is registered gets the weight that did best on all of them ({@link #best}). With no evidence (one
 * origin, or no series scored) the weight is 0, the base alone; among equally good weights the
 * smallest wins: a correction must earn its place.
 */
public final class CorrectionWeight {
  /** The shares tried, smallest first. */
  static final double[] GRID = {0, 0.25, 0.5, 0.75, 1};

  private CorrectionWeight() {}

  public static double[] grid() {
    return GRID.clone();
  }

  /** The weight with the lowest error over every origin of the backtest. */
  public static double best(double[] weights, List<Backtest.WeightErrors> errors) {
    return best(weights, errors, k -> true);
  }

  /** Per origin k of {@code origins}, the weight with the lowest error over the other origins. */
  public static double[] crossFitted(double[] weights, List<Backtest.WeightErrors> errors, int origins) {
    double[] out = new double[origins];
    for (int k = 0; k < origins; k++) {
      int heldOut = k;
      out[k] = best(weights, errors, o -> o != heldOut);
    }
    return out;
  }

  /** Per weight, the mean over series of the model's MASE on every origin (NaN where no series was scored). */
  public static double[] meanMase(double[] weights, List<Backtest.WeightErrors> errors) {
    double[] out = new double[weights.length];
    for (int w = 0; w < weights.length; w++) {
      out[w] = error(errors, w, k -> true);
    }
    return out;
  }

  static double best(double[] weights, List<Backtest.WeightErrors> errors, IntPredicate origin) {
    double best = 0;
    double bestError = Double.POSITIVE_INFINITY;
    for (int w = 0; w < weights.length; w++) {
      double e = error(errors, w, origin);
      if (Double.isFinite(e) && e < bestError) {
        bestError = e;
        best = weights[w];
      }
    }
    return best;
  }

  /** Mean over series of the model's MAE at weight index {@code w} on the chosen origins, over the series' scale. */
  private static double error(List<Backtest.WeightErrors> errors, int w, IntPredicate origin) {
    double sum = 0;
    int series = 0;
    for (Backtest.WeightErrors s : errors) {
      double abs = 0;
      int targets = 0;
      for (int k = 0; k < s.targets().length; k++) {
        if (origin.test(k)) {
          abs += s.absErrors()[k][w];
          targets += s.targets()[k];
        }
      }
      if (targets > 0 && s.scale() > 0) {
        sum += abs / targets / s.scale();
        series++;
      }
    }
    return series == 0 ? Double.NaN : sum / series;
  }
}
