package io.vigil.batch;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** With L = 10 a score s stands for the tail probability 10^(-10 s). */
class DeviceScoreTest {
  private final DeviceScore combine = new DeviceScore(10);

  @Test
  void oneMetricIsItsOwnScore() {
    assertEquals(0.5, combine.combine(0.5), 1e-12);
  }

  @Test
  void eightMetricsPayTheSidakCorrection() {
    // p_min = 1e-5 over 8 metrics: 1 - (1 - 1e-5)^8 = 7.99972e-5, score -log10(.) / 10 = 0.409695.
    assertEquals(0.4096925, combine.combine(0.5, 0.1, 0, 0, 0, 0, 0, 0), 1e-6);
    // A saturated metric (p = 1e-10) stays far above the default threshold: 1 - log10(8) / 10.
    assertEquals(1 - Math.log10(8) / 10, combine.combine(1, 0, 0, 0, 0, 0, 0, 0), 1e-9);
  }

  @Test
  void onlyTheMostSurprisingMetricCountsNotTheirSum() {
    assertEquals(combine.combine(0.6, 0, 0, 0), combine.combine(0.6, 0.59, 0.59, 0.59), 1e-12);
    assertTrue(combine.combine(0.6, 0, 0, 0) < 0.6);
  }

  @Test
  void metricsWithoutAScoreAreLeftOut() {
    assertEquals(0.5, combine.combine(0.5, Double.NaN, Double.NaN), 1e-12);
    assertEquals(0, combine.combine(Double.NaN, Double.NaN));
    assertEquals(0, combine.combine());
  }

  @Test
  void staysInTheUnitIntervalAndIsMonotone() {
    double previous = -1;
    for (int i = 0; i <= 100; i++) {
      double s = combine.combine(i / 100.0, 0.2, 0.1);
      assertTrue(s >= 0 && s <= 1 && s >= previous, "at " + i + ": " + s);
      previous = s;
    }
  }

  @Test
  void combinesEveryTimeOfAFileAndReadsLFromTheConfig() {
    DeviceScore fromConfig = new DeviceScore(new ForecastJobConfig(Map.of(ForecastJobConfig.SCORE_MAX_LOG10P, "5")));
    assertArrayEquals(new double[] {1 - Math.log10(2) / 5, 0}, fromConfig.combine(new double[][] {{1, 0}, {0, 0}}), 1e-6);
  }
}
