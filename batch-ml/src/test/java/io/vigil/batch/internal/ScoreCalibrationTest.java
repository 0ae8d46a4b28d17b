package io.vigil.batch.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ScoreCalibrationTest {
  @ParameterizedTest(name = "|z| = {0} has two-sided log10 p {1}")
  @CsvSource({"0, 0", "1.959964, -1.30103", "3.290527, -3", "4.417173, -5", "-4.417173, -5", "6.109410, -9"})
  void matchesTheGaussianTail(double z, double log10p) {
    assertThat(ScoreCalibration.log10TwoSidedP(z)).isCloseTo(log10p, within(1e-3));
  }

  @Test
  void isMonotoneBoundedAndFiniteFarOut() {
    double prev = -1;
    for (double z = 0; z <= 200; z += 0.25) {
      double s = ScoreCalibration.score(z, 10);
      assertThat(s).isBetween(0.0, 1.0).isGreaterThanOrEqualTo(prev);
      prev = s;
    }
    assertThat(ScoreCalibration.score(0, 10)).isZero();
    assertThat(ScoreCalibration.score(1, 10)).isLessThan(0.05);
    assertThat(ScoreCalibration.score(1e6, 10)).isEqualTo(1.0);
    assertThat(ScoreCalibration.zFor(0.5, 10)).isCloseTo(4.417, within(0.01));
  }
}
