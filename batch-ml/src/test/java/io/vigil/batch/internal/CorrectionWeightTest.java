package io.vigil.batch.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CorrectionWeightTest {
  private static final double[] WEIGHTS = {0, 0.25, 0.5, 0.75, 1};

  /** One series, scale 1, 10 targets per origin, with these mean absolute errors per origin and weight. */
  private static Backtest.WeightErrors series(double[]... maePerOrigin) {
    int[] targets = new int[maePerOrigin.length];
    double[][] abs = new double[maePerOrigin.length][];
    for (int k = 0; k < maePerOrigin.length; k++) {
      targets[k] = 10;
      abs[k] = java.util.Arrays.stream(maePerOrigin[k]).map(e -> 10 * e).toArray();
    }
    return new Backtest.WeightErrors("d1", "temp", 1, targets, abs);
  }

  static Stream<Arguments> rules() {
    return Stream.of(
        Arguments.of("trees that help keep all their weight", new double[] {0.8, 0.7, 0.6, 0.55, 0.5}, 1.0),
        Arguments.of("trees that hurt get none: the base alone", new double[] {0.74, 0.9, 1.1, 1.2, 1.33}, 0.0),
        Arguments.of("a little of a noisy correction is best", new double[] {0.8, 0.75, 0.78, 0.9, 1.0}, 0.25),
        Arguments.of("a tie goes to the smaller weight", new double[] {0.7, 0.7, 0.7, 0.7, 0.7}, 0.0));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rules")
  void theWeightIsTheOneWithTheLowestErrorOnTargetsTheTreesHadNotSeen(String rule, double[] mae, double expected) {
    assertThat(CorrectionWeight.best(WEIGHTS, List.of(series(mae, mae)))).isEqualTo(expected);
  }

  @Test
  void eachOriginIsScoredWithTheWeightTheOtherOriginsChose() {
    // Origin 0 strongly favours the full correction, origins 1 and 2 mildly favour the base.
    Backtest.WeightErrors s = series(new double[] {0.9, 0.8, 0.7, 0.6, 0.05}, new double[] {0.5, 0.6, 0.7, 0.8, 0.9},
        new double[] {0.5, 0.6, 0.7, 0.8, 0.9});

    // Without origin 0 the base wins; with it (holding out 1 or 2) the full correction: no origin picks its own weight.
    assertThat(CorrectionWeight.crossFitted(WEIGHTS, List.of(s), 3)).containsExactly(0.0, 1.0, 1.0);
    // Over all three origins the full correction's 0.05 + 0.9 + 0.9 beats the base's 0.9 + 0.5 + 0.5: registered at 1.
    assertThat(CorrectionWeight.best(WEIGHTS, List.of(s))).isEqualTo(1.0);
  }

  @Test
  void withoutEvidenceTheModelIsItsBase() {
    Backtest.WeightErrors one = series(new double[] {0.9, 0.8, 0.7, 0.6, 0.5});
    Backtest.WeightErrors unscaled = new Backtest.WeightErrors("d2", "temp", 0, new int[] {10, 10},
        new double[][] {{9, 1, 1, 1, 1}, {9, 1, 1, 1, 1}});

    // One origin: nothing left to choose its weight on.
    assertThat(CorrectionWeight.crossFitted(WEIGHTS, List.of(one), 1)).containsExactly(0.0);
    // No series with a MASE scale: nothing scored.
    assertThat(CorrectionWeight.best(WEIGHTS, List.of(unscaled))).isEqualTo(0.0);
    assertThat(CorrectionWeight.best(WEIGHTS, List.of())).isEqualTo(0.0);
  }
}
