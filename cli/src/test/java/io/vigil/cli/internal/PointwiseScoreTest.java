package io.vigil.cli.internal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class PointwiseScoreTest {
  private static final boolean T = true;
  private static final boolean F = false;

  @Test
  void countsRowsFromTheFirstScoredOneAtTheThreshold() {
    double[] s = {0.9, 0.9, 0.5, 0.49, 0.8, 0.1, 0.0, 0.7};
    boolean[] a = {T, F, T, T, F, F, T, F};
    // Rows 2..7: 0.5 T -> TP, 0.49 T -> FN, 0.8 F -> FP, 0.1 F -> TN, 0.0 T -> FN, 0.7 F -> FP.
    PointwiseScore p = PointwiseScore.of(s, a, 2, 0.5);
    assertEquals(new PointwiseScore(1, 2, 2, 1), p);
    assertEquals(6, p.rows());
    assertEquals(1.0 / 3, p.precision(), 1e-12);
    assertEquals(1.0 / 3, p.recall(), 1e-12);
    assertEquals(2.0 / (2 + 2 + 2), p.f1(), 1e-12);
    assertEquals(2.0 / 3, p.far(), 1e-12);
    assertEquals(2.0 / 3, p.mar(), 1e-12);
  }

  @Test
  void poolsFilesByAddingCounts() {
    PointwiseScore a = PointwiseScore.of(new double[] {1, 0}, new boolean[] {T, T}, 0, 0.5);
    PointwiseScore b = PointwiseScore.of(new double[] {1, 0}, new boolean[] {F, F}, 0, 0.5);
    assertEquals(new PointwiseScore(1, 1, 1, 1), a.plus(b));
    assertEquals(0.5, a.plus(b).f1(), 1e-12);
  }

  @Test
  void aDetectorThatNeverAlarmsHasF1ZeroFarZeroMarOneAndNoPrecision() {
    PointwiseScore p = PointwiseScore.of(new double[4], new boolean[] {T, F, T, F}, 0, 0.5);
    assertEquals(0, p.f1());
    assertEquals(0, p.far());
    assertEquals(1, p.mar());
    assertTrue(Double.isNaN(p.precision()));
  }

  @Test
  void refusesScoresAndLabelsOfDifferentLengths() {
    assertThrows(IllegalArgumentException.class, () -> PointwiseScore.of(new double[3], new boolean[2], 0, 0.5));
  }
}
