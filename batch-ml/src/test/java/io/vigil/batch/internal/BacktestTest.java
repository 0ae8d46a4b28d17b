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

  @Test
  void errorsByWeightAreTheErrorsTheBacktestScoresAtThatWeight() {
    SeriesHistory s = noisySeasonal(4);
    ModelForecaster corrected = new ModelForecaster(SPEC, f -> 0.3 * f[3]);
    double[] weights = {0, 0.5, 1};

    Backtest.WeightErrors errors = Backtest.errorsByWeight(s, BACKTEST, corrected, weights);

    assertThat(errors.targets()).hasSize(BACKTEST.origins()).containsOnly(12);
    for (int w = 0; w < weights.length; w++) {
      double[] same = new double[BACKTEST.origins()];
      java.util.Arrays.fill(same, weights[w]);
      Backtest.SeriesScore score = Backtest.run(s, BACKTEST, corrected, same);
      double sum = 0;
      for (double[] perWeight : errors.absErrors()) {
        sum += perWeight[w];
      }
      assertThat(sum / score.targets()).isCloseTo(score.maeModel(), within(1e-9));
      assertThat(errors.scale()).isEqualTo(score.scale());
    }
    // Weights per origin: origin k's targets are forecast with weight k's.
    Backtest.SeriesScore mixed = Backtest.run(s, BACKTEST, corrected, new double[] {0, 0.5, 1, 1, 0});
    double expected = (errors.absErrors()[0][0] + errors.absErrors()[1][1] + errors.absErrors()[2][2] + errors.absErrors()[3][2]
        + errors.absErrors()[4][0]) / (5 * 12);
    assertThat(mixed.maeModel()).isCloseTo(expected, within(1e-9));
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
