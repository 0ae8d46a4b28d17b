package io.vigil.batch.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.LongStream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ResidualsTest {
  /** The test plan's history is 48 hours; score.reference.min.readings 300, score.min.history.points 30. */
  @ParameterizedTest(name = "a reading every {0} s learns for {1} readings")
  @CsvSource({
      "1, 300", // a fast series: the full learning period
      "600, 288", // 48 h hold 288 readings: it learns for its history
      "3600, 48",
      "7200, 30" // 24 readings in 48 h: never fewer than score.min.history.points
  })
  void theLearningPeriodIsTheReferencesMinimumButNoLongerThanTheScoreHistory(long seconds, int expected) {
    ScorePlan plan = SeriesScorerTest.plan(1_800_000_000_000_000L);
    long[] t = LongStream.range(0, 500).map(i -> plan.historyStartMicros() + i * seconds * 1_000_000L).toArray();

    assertThat(Residuals.learningReadings(t, plan)).isEqualTo(expected);
  }
}
