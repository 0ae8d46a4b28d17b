package io.vigil.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.cli.internal.DetectionScore.Detection;
import io.vigil.simulator.FaultKind;
import io.vigil.simulator.FaultLabel;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class DetectionScoreTest {
  private static final Instant T = Instant.parse("2026-11-22T10:00:00Z");

  @Test
  void precisionAndRecallCountMatchesOnTheSameSeriesWithinTolerance() {
    List<FaultLabel> labels = List.of(
        FaultLabel.point("d1", "temp", FaultKind.SPIKE, T),
        new FaultLabel("d2", "hum", FaultKind.LEVEL_SHIFT, T, T.plusSeconds(60)),
        FaultLabel.point("d3", "temp", FaultKind.SPIKE, T),
        new FaultLabel("d4", FaultLabel.WHOLE_DEVICE, FaultKind.GAP, T, T.plusSeconds(60)));
    List<Detection> detections = List.of(
        new Detection("d1", "temp", "SPIKE", T.plusSeconds(1)),          // within tolerance: right
        new Detection("d2", "hum", "LEVEL_SHIFT", T.plusSeconds(30)),   // inside the span: right
        new Detection("d2", "hum", "SPIKE", T.plusSeconds(40)),         // a second event on the same label: right
        new Detection("d3", "pressure", "SPIKE", T),                    // other metric: wrong
        new Detection("d4", "temp", "SPIKE", T.plusSeconds(10)));       // gaps are not the scorer's to find: wrong

    DetectionScore s = DetectionScore.of(labels, detections, Duration.ofSeconds(2));

    assertThat(s.injected()).isEqualTo(3);
    assertThat(s.found()).isEqualTo(2);
    assertThat(s.detected()).isEqualTo(5);
    assertThat(s.correct()).isEqualTo(3);
    assertThat(s.recall()).isEqualTo(2.0 / 3);
    assertThat(s.precision()).isEqualTo(3.0 / 5);
  }

  @Test
  void nothingDetectedOrInjectedIsUndefinedNotPerfect() {
    DetectionScore s = DetectionScore.of(List.of(), List.of(), Duration.ZERO);
    assertThat(s.precision()).isNaN();
    assertThat(s.recall()).isNaN();
  }
}
