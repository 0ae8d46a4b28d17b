package io.vigil.batch.internal;

import java.util.List;

/**
 * How much of the trees' correction a model adds to its base: the share, out of {@link #GRID}, that
 * did best on data the trees had not seen. Trees fitted on little history (a few days, or a day of
 * origins at a few hours of the day) learn that history's noise, and adding it made the model lose to
 * seasonal naive where the base alone beat it; on long histories they earn their full weight. One rule
 * for every series and history, so nothing is tuned per data set.
 *
 * <p>The evidence is a backtest on the history the trees were not fitted on, scored like the promotion
 * backtest (relMASE against seasonal naive on the same targets). Without that evidence (no rows to fit
 * trees on before it, or no series it could score) the weight is 0: the model forecasts with its base.
 * Among equally good weights the smallest wins: a correction must earn its place.
 */
public final class CorrectionWeight {
  /** The shares tried, smallest first. */
  static final double[] GRID = {0, 0.25, 0.5, 0.75, 1};

  private CorrectionWeight() {}

  public static double[] grid() {
    return GRID.clone();
  }

  /**
   * The weight whose backtest has the lowest finite relMASE; 0 when none has one.
   *
   * @param weights the weights tried, smallest first
   * @param backtests each weight's backtest summary, in the same order
   */
  public static double choose(double[] weights, List<Backtest.Summary> backtests) {
    if (weights.length != backtests.size()) {
      throw new IllegalArgumentException(weights.length + " weights but " + backtests.size() + " backtests");
    }
    double best = 0;
    double bestRel = Double.POSITIVE_INFINITY;
    for (int k = 0; k < weights.length; k++) {
      double rel = backtests.get(k).relMase();
      if (Double.isFinite(rel) && rel < bestRel) {
        bestRel = rel;
        best = weights[k];
      }
    }
    return best;
  }
}
