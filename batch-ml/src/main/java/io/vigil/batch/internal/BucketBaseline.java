package io.vigil.batch.internal;

/**
 * What a bucket is forecast by where no model serves: seasonal naive where the series shows its season, the moving
 * average of its last buckets where it does not. The same choice as the forecast job's baseline
 * ({@link BaselineForecaster}: the lower mean absolute error wins, ties go to seasonal naive), made on the history's
 * one-step forecasts: on a series without a season, seasonal naive forecasts each bucket by one noisy bucket a
 * season ago, so its residuals are about 1.4 times the noise; the average of a season's buckets is nearly the noise
 * alone, and the score judges what the series does, not what the baseline got wrong.
 */
enum BucketBaseline {
  SEASONAL_NAIVE(BaselineForecaster.SEASONAL_NAIVE),
  MOVING_AVERAGE(BaselineForecaster.MOVING_AVERAGE);

  /** Fewest history buckets both forecasts must have been compared on before seasonal naive can lose. */
  static final int MIN_COMPARED_SEASONS = 2;

  private final String method;

  BucketBaseline(String method) {
    this.method = method;
  }

  String method() {
    return method;
  }

  /** The baseline of a series: the one whose one-step forecasts of its history's observed buckets erred less. */
  static BucketBaseline choose(SeriesHistory grid, ScorePlan plan) {
    double snError = 0;
    double maError = 0;
    int compared = 0;
    int first = (int) (plan.firstTargetIdx() - grid.startIdx());
    int end = (int) (plan.firstWindowBucketIdx() - grid.startIdx());
    for (int g = Math.max(0, first); g < Math.min(end, grid.length()); g++) {
      if (!grid.observed(g)) {
        continue;
      }
      double sn = SEASONAL_NAIVE.forecast(grid, g, plan);
      double ma = MOVING_AVERAGE.forecast(grid, g, plan);
      if (Double.isFinite(sn) && Double.isFinite(ma)) {
        snError += Math.abs(grid.y()[g] - sn);
        maError += Math.abs(grid.y()[g] - ma);
        compared++;
      }
    }
    return compared >= MIN_COMPARED_SEASONS * plan.season() && maError < snError ? MOVING_AVERAGE : SEASONAL_NAIVE;
  }

  /** Grid bucket {@code g}'s forecast from the context before it; NaN when the context holds nothing to go by. */
  double forecast(SeriesHistory grid, int g, ScorePlan plan) {
    int from = g - plan.contextBuckets();
    if (this == MOVING_AVERAGE) {
      double sum = 0;
      int n = 0;
      for (int i = g - 1; i >= Math.max(0, from) && n < plan.movingAverageWindow(); i--) {
        if (grid.present(i)) {
          sum += grid.y()[i];
          n++;
        }
      }
      return n == 0 ? Double.NaN : sum / n;
    }
    int i = g - plan.season();
    while (i >= from && !grid.present(i)) {
      i -= plan.season();
    }
    return i >= from && i >= 0 ? grid.y()[i] : Double.NaN;
  }
}
