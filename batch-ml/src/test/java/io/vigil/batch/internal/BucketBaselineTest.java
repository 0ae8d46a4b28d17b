package io.vigil.batch.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Random;
import java.util.function.LongToDoubleFunction;
import org.junit.jupiter.api.Test;

class BucketBaselineTest {
  private static final long AS_OF = Instant.parse("2026-11-22T12:00:00Z").getEpochSecond() * 1_000_000L;
  /** Noise around a level, no season: reproducible per timestamp. */
  private static final LongToDoubleFunction FLAT = t -> 20 + new Random(t).nextGaussian() * 0.5;

  @Test
  void aSeriesWithoutASeasonIsForecastByItsMovingAverageAndASeasonalOneBySeasonalNaive() {
    ScorePlan p = SeriesScorerTest.plan(AS_OF);
    SeriesScorer.Input flat = SeriesScorerTest.input(p, FLAT);

    assertThat(BucketBaseline.choose(flat.grid(), p)).isEqualTo(BucketBaseline.MOVING_AVERAGE);
    assertThat(BucketBaseline.choose(SeriesScorerTest.input(p, SeriesScorerTest::seasonal).grid(), p))
        .isEqualTo(BucketBaseline.SEASONAL_NAIVE);
    assertThat(SeriesScorer.score(flat, p, null).readings())
        .allSatisfy(r -> assertThat(r.forecastModel()).isEqualTo(BaselineForecaster.MOVING_AVERAGE));
  }

  @Test
  void withFewerThanTwoSeasonsOfHistoryToCompareOnSeasonalNaiveStays() {
    ScorePlan p = SeriesScorerTest.plan(AS_OF, 36);

    assertThat(BucketBaseline.choose(SeriesScorerTest.input(p, FLAT).grid(), p)).isEqualTo(BucketBaseline.SEASONAL_NAIVE);
  }
}
