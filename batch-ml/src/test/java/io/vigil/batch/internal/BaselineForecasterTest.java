package io.vigil.batch.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vigil.batch.internal.BaselineForecaster.Result;
import io.vigil.batch.internal.BaselineForecaster.Status;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BaselineForecasterTest {
  private static final int SEASON = 24;
  private static final int HISTORY = 14 * SEASON;
  private final BaselineForecaster forecaster = new BaselineForecaster(SEASON, SEASON, 2 * SEASON, 0.9);

  private static double pattern(int t) {
    return 20 + 5 * Math.sin(2 * Math.PI * (t % SEASON) / SEASON);
  }

  private static double[] series(java.util.function.IntToDoubleFunction f) {
    double[] y = new double[HISTORY];
    for (int t = 0; t < HISTORY; t++) {
      y[t] = f.applyAsDouble(t);
    }
    return y;
  }

  private static boolean[] none() {
    return new boolean[HISTORY];
  }

  @Test
  void cleanSeasonalSeriesIsForecastExactlyBySeasonalNaive() {
    Result r = forecaster.forecast(series(BaselineForecasterTest::pattern), none(), 48);

    assertThat(r.status()).isEqualTo(Status.FORECAST);
    assertThat(r.model()).isEqualTo(BaselineForecaster.SEASONAL_NAIVE);
    assertThat(r.maseSeasonalNaive()).isZero();
    for (int k = 1; k <= 48; k++) {
      assertThat(r.forecasts()[k - 1]).as("step %d", k).isCloseTo(pattern(HISTORY - 1 + k), within(1e-9));
    }
    assertThat(r.intervalHalfWidth()).isCloseTo(0, within(1e-9));
  }

  @Test
  void noisySeasonalSeriesPrefersSeasonalNaiveAndStaysCloseToThePattern() {
    Random noise = new Random(42);
    Result r = forecaster.forecast(series(t -> pattern(t) + 0.1 * noise.nextGaussian()), none(), SEASON);

    assertThat(r.model()).isEqualTo(BaselineForecaster.SEASONAL_NAIVE);
    // Seasonal naive's backtest error is about its in-sample one (MASE near 1); the flat average misses the cycle.
    assertThat(r.maseSeasonalNaive()).isBetween(0.5, 1.5);
    assertThat(r.maseMovingAverage()).isGreaterThan(10);
    for (int k = 1; k <= SEASON; k++) {
      assertThat(r.forecasts()[k - 1]).isCloseTo(pattern(HISTORY - 1 + k), within(0.5));
    }
    assertThat(r.intervalHalfWidth()).isBetween(0.05, 0.5);
  }

  @Test
  void noiseAroundALevelPrefersTheMovingAverage() {
    Random noise = new Random(7);
    Result r = forecaster.forecast(series(t -> 5 + noise.nextGaussian()), none(), SEASON);

    assertThat(r.model()).isEqualTo(BaselineForecaster.MOVING_AVERAGE);
    assertThat(r.maseMovingAverage()).isLessThan(r.maseSeasonalNaive());
    for (double f : r.forecasts()) {
      assertThat(f).isCloseTo(5, within(0.8));
    }
  }

  @Test
  void constantSeriesGivesAConstantForecastWithAZeroWidthInterval() {
    Result r = forecaster.forecast(series(t -> 7.25), none(), SEASON);

    assertThat(r.status()).isEqualTo(Status.FORECAST);
    assertThat(r.forecasts()).containsOnly(7.25);
    assertThat(r.intervalHalfWidth()).isZero();
    assertThat(r.maseSeasonalNaive()).isZero();
  }

  @Test
  void aMissingBucketInTheLastSeasonIsTakenFromTheSeasonBefore() {
    double[] y = series(BaselineForecasterTest::pattern);
    y[HISTORY - 5] = Double.NaN;

    Result r = forecaster.forecast(y, none(), SEASON);

    assertThat(r.forecasts()[SEASON - 5]).isCloseTo(pattern(HISTORY - 5), within(1e-9));
  }

  @Test
  void seriesWithFewerObservedBucketsThanTheMinimumIsNotForecast() {
    double[] y = new double[HISTORY];
    Arrays.fill(y, Double.NaN);
    for (int t = HISTORY - 47; t < HISTORY; t++) {
      y[t] = 1;
    }

    Result r = forecaster.forecast(y, none(), SEASON);

    assertThat(r.status()).isEqualTo(Status.TOO_SHORT);
    assertThat(r.observedBuckets()).isEqualTo(47);
    assertThat(r.forecasts()).isNull();
  }

  @Test
  void imputedBucketsAreNotCountedAsObservedNorScoredAsActuals() {
    double[] y = series(t -> 3);
    boolean[] imputed = new boolean[HISTORY];
    // Every bucket of the held-out season is imputed: nothing real to backtest against.
    for (int t = HISTORY - SEASON; t < HISTORY; t++) {
      imputed[t] = true;
    }

    Result r = forecaster.forecast(y, imputed, SEASON);

    assertThat(r.status()).isEqualTo(Status.NO_BACKTEST);
    assertThat(r.observedBuckets()).isEqualTo(HISTORY - SEASON);
  }
}
