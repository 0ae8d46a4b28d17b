package io.vigil.simulator.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Instant;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class MetricModelTest {
  private static final long DAY = 86_400_000L;
  private static final long MONDAY_0000 = Instant.parse("2026-11-23T00:00:00Z").toEpochMilli();
  // Peak at 15:00 UTC, trough at 03:00.
  private static final double PHASE = Math.PI / 2 - 2 * Math.PI * 15 / 24;

  @Test
  void dailySeasonPeaksInTheAfternoon() {
    MetricModel m = new MetricModel("t", 20, 3, PHASE, 0, 0, 0, 0, -100, 100, 2);
    assertThat(m.expected(MONDAY_0000 + 15 * 3_600_000L, 0)).isCloseTo(23, within(1e-9));
    assertThat(m.expected(MONDAY_0000 + 3 * 3_600_000L, 0)).isCloseTo(17, within(1e-9));
  }

  @Test
  void weeklySeasonRepeatsEveryWeekNotEveryDay() {
    MetricModel m = new MetricModel("t", 20, 0, 0, 2, 0, 0, 0, -100, 100, 2);
    long t = MONDAY_0000 + 5 * 3_600_000L;
    assertThat(m.expected(t + 7 * DAY, 0)).isCloseTo(m.expected(t, 0), within(1e-9));
    double min = Double.MAX_VALUE;
    double max = -Double.MAX_VALUE;
    for (int d = 0; d < 7; d++) {
      min = Math.min(min, m.expected(t + d * DAY, 0));
      max = Math.max(max, m.expected(t + d * DAY, 0));
    }
    // Amplitude 2 sampled at seven points a week: the range is at least 4 cos(pi/7).
    assertThat(max - min).isGreaterThan(3.5);
  }

  @Test
  void trendAddsItsSlopePerDay() {
    MetricModel m = new MetricModel("t", 20, 3, PHASE, 0, 0, 0.5, 0, -100, 100, 2);
    long t = MONDAY_0000 + 7 * 3_600_000L;
    assertThat(m.expected(t + 4 * DAY, 4 * DAY) - m.expected(t, 0)).isCloseTo(2.0, within(1e-9));
  }

  @Test
  void noiseHasItsSigmaAndReadingsStayInRange() {
    MetricModel m = new MetricModel("h", 50, 0, 0, 0, 0, 0, 2, 0, 100, 1);
    SplittableRandom rng = new SplittableRandom(1);
    double sum = 0;
    double sq = 0;
    int n = 20_000;
    for (int i = 0; i < n; i++) {
      double v = m.sample(MONDAY_0000, 0, rng);
      sum += v;
      sq += v * v;
    }
    double mean = sum / n;
    assertThat(mean).isCloseTo(50, within(0.1));
    assertThat(Math.sqrt(sq / n - mean * mean)).isCloseTo(2, within(0.1));
    MetricModel bounded = new MetricModel("h", 99, 0, 0, 0, 0, 0, 5, 0, 100, 1);
    for (int i = 0; i < 1000; i++) {
      assertThat(bounded.sample(MONDAY_0000, 0, rng)).isBetween(0.0, 100.0);
    }
  }
}
