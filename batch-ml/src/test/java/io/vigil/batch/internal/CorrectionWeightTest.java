package io.vigil.batch.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CorrectionWeightTest {
  private static final double[] WEIGHTS = {0, 0.25, 0.5, 0.75, 1};

  static Stream<Arguments> rules() {
    double nan = Double.NaN;
    return Stream.of(
        Arguments.of("trees that help on held-out data keep all their weight", new double[] {0.8, 0.7, 0.6, 0.55, 0.5}, 1.0),
        Arguments.of("trees that hurt get none: the base alone", new double[] {0.74, 0.9, 1.1, 1.2, 1.33}, 0.0),
        Arguments.of("a little of a noisy correction is best", new double[] {0.8, 0.75, 0.78, 0.9, 1.0}, 0.25),
        Arguments.of("a tie goes to the smaller weight", new double[] {0.7, 0.7, 0.7, 0.7, 0.7}, 0.0),
        Arguments.of("no backtest could be scored: the base alone", new double[] {nan, nan, nan, nan, nan}, 0.0),
        Arguments.of("weights without a figure are skipped", new double[] {nan, 0.9, 0.8, nan, nan}, 0.5));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rules")
  void theWeightIsTheOneThatDidBestOnDataTheTreesHadNotSeen(String rule, double[] relMase, double expected) {
    List<Backtest.Summary> summaries = Arrays.stream(relMase)
        .mapToObj(r -> new Backtest.Summary(3, 100, r, 1, 1, r, 1, r, 10, 10, 10, 1)).toList();

    assertThat(CorrectionWeight.choose(WEIGHTS, summaries)).isEqualTo(expected);
  }
}
