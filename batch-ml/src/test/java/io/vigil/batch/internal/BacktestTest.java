package io.vigil.batch.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BacktestTest {
  private static final int M = 24;
  private static final FeatureSpec SPEC = new FeatureSpec(M, 6, 4, 12);
  private static final Backtest.Spec BACKTEST = new Backtest.Spec(5, 12, 12, M, M, 0.9);

  private static SeriesHistory noisySeasonal(long seed) {
    Random r = new Random(seed);
    int n = 14 * M;
    double[] y = new double[n];
    for (int i = 0; i < n; i++) {
      y[i] = 100 + 10 * Math.sin(2 * Math.PI * (i % M) / M) + 2 * r.nextGaussian();
    }
    return new SeriesHistory("d1", "temp", 0, 3_600_000_000L, y, new boolean[n]);
  }

  @Test
  void originsTileTheEndOfTheHistory() {
    assertThat(BACKTEST.lastOrigin(336)).isEqualTo(336 - 1 - 12);
    assertThat(BACKTEST.firstOrigin(336)).isEqualTo(336 - 1 - 12 - 4 * 12);
  }

  @org.junit.jupiter.params.ParameterizedTest(name = "{0} buckets: {1} inner origins")
  @org.junit.jupiter.params.provider.CsvSource({
      // The bench's 14 days before its backtest (7 daily origins, H 24): 3 origins fit in the last half.
      "168, 3, 24, 24, 7",
      // Plenty of history: all K origins, at the same spacing.
      "2000, 7, 24, 24, 7",
      // Half the history holds exactly one horizon: one origin.
      "50, 1, 24, 24, 7",
      // Not even one: no inner backtest.
      "49, 0, 24, 24, 7",
      // The demo's backtest (3 origins 6 apart).
      "300, 3, 24, 6, 3"})
  void theInnerBacktestTakesAsManyOriginsAsFitInTheLastHalfOfTheHistory(int n, int origins, int horizon, int spacing, int k) {
    Backtest.Spec outer = new Backtest.Spec(k, spacing, horizon, M, M, 0.9);

    var inner = outer.inner(n);

    assertThat(inner.map(Backtest.Spec::origins).orElse(0)).isEqualTo(origins);
    inner.ifPresent(i -> {
      assertThat(i.spacing()).isEqualTo(spacing);
      assertThat(i.horizon()).isEqualTo(horizon);
      // Its targets lie in the last half: the first half is left to fit trees on.
      assertThat(i.firstOrigin(n)).isGreaterThanOrEqualTo(n - n / 2 - 1);
    });
  }

  @Test
  void theSeasonalProfileAloneBeatsSeasonalNaiveOnNoisySeasonalData() {
    // A predictor of 0 leaves the seasonal profile (mean of 4 seasons): its error variance is
    // sigma^2 (1 + 1/4) against seasonal naive's 2 sigma^2, so relMASE should be near 0.79.
    ModelForecaster profileOnly = new ModelForecaster(SPEC, f -> 0);

    Backtest.SeriesScore score = Backtest.run(noisySeasonal(11), BACKTEST, profileOnly);

    assertThat(score.targets()).isEqualTo(5 * 12);
    assertThat(score.counted()).isTrue();
    // In-sample seasonal naive MAE of N(0, 2 sqrt 2) differences: 2 sqrt 2 sqrt(2/pi) ~ 2.26.
    assertThat(score.scale()).isBetween(1.8, 2.8);
    assertThat(score.maseSeasonalNaive()).isBetween(0.6, 1.5);
    assertThat(score.relMase()).isLessThan(1);
    // The flat moving average misses the daily cycle by far.
    assertThat(score.maseMovingAverage()).isGreaterThan(2);
    assertThat(score.smapeModel()).isLessThan(score.smapeSeasonalNaive());
  }

  @Test
  void theSummaryIsTheRatioOfMeanMases() {
    Backtest.SeriesScore a = new Backtest.SeriesScore("a", "m", 10, 2, 1, 2, 4, 5, 6, 7, 0.5);
    Backtest.SeriesScore b = new Backtest.SeriesScore("b", "m", 20, 1, 3, 2, 2, 1, 2, 3, 1.5);
    Backtest.SeriesScore unscaled = new Backtest.SeriesScore("c", "m", 5, 0, 1, 1, 1, 1, 1, 1, 9);

    Backtest.Summary s = Backtest.Summary.of(List.of(a, b, unscaled));

    assertThat(s.seriesScored()).isEqualTo(2);
    assertThat(s.targets()).isEqualTo(30);
    // MASE model: a 0.5, b 3 -> 1.75; seasonal naive: a 1, b 2 -> 1.5.
    assertThat(s.meanMaseModel()).isCloseTo(1.75, within(1e-12));
    assertThat(s.meanMaseSeasonalNaive()).isCloseTo(1.5, within(1e-12));
    assertThat(s.relMase()).isCloseTo(1.75 / 1.5, within(1e-12));
    assertThat(s.meanSeriesRelMase()).isCloseTo((0.5 + 1.5) / 2, within(1e-12));
    assertThat(s.relMaseMovingAverage()).isCloseTo(((4 / 2.0) + 2) / 2 / 1.5, within(1e-12));
    assertThat(s.errorQuantileZ()).isCloseTo(1.0, within(1e-12));
  }

  @Test
  void smapeIsInPercentAndZeroWhenBothAreZero() {
    assertThat(Backtest.smape(0, 0)).isZero();
    assertThat(Backtest.smape(100, 50)).isCloseTo(200 * 50 / 150.0, within(1e-12));
    assertThat(Backtest.smape(1, -1)).isEqualTo(200);
  }
}
