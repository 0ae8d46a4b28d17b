package io.vigil.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.schemas.AnomalyEvent;
import io.vigil.schemas.AnomalyKind;
import io.vigil.schemas.AnomalySource;
import io.vigil.simulator.FaultKind;
import io.vigil.simulator.FaultLabel;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The ML benchmark's event matching and growth exponent, on hand-made events and labels. */
class MlBenchmarkTest {
  private static final Instant DAY = Instant.parse("2026-11-21T00:00:00Z");
  private static final Duration TOL = Duration.ofMinutes(10);

  private static AnomalyEvent event(AnomalyKind kind, String device, String metric, Instant start) {
    return AnomalyEvent.builder(kind, AnomalySource.BATCH, device, metric, start).detectedAt(start).score(0.9).message("m").build();
  }

  @Test
  void anEventMatchesALabelOfTheSameKindAndSeriesOverlappingWithinTheTolerance() {
    FaultLabel spike = FaultLabel.point("d1", "temp", FaultKind.SPIKE, DAY.plusSeconds(3600));
    FaultLabel shift = new FaultLabel("d1", FaultLabel.WHOLE_DEVICE, FaultKind.LEVEL_SHIFT, DAY.plusSeconds(7200), DAY.plusSeconds(20000));
    List<AnomalyEvent> events = List.of(
        event(AnomalyKind.SPIKE, "d1", "temp", DAY.plusSeconds(3600 + 120)),     // within 10 min: true
        event(AnomalyKind.SPIKE, "d1", "temp", DAY.plusSeconds(3600 + 1200)),    // 20 min late: false
        event(AnomalyKind.SPIKE, "d2", "temp", DAY.plusSeconds(3600)),           // other device: false
        event(AnomalyKind.LEVEL_SHIFT, "d1", "humidity", DAY.plusSeconds(7300)), // whole-device label: true
        event(AnomalyKind.DRIFT, "d1", "temp", DAY.plusSeconds(10800)),          // a day and an hour after the drift's onset: a re-report
        event(AnomalyKind.DRIFT, "d1", "temp", DAY.minusSeconds(86400 - 7200 - 60)), // a minute after the onset
        event(AnomalyKind.SPIKE, "d1", "temp", DAY.minusSeconds(60)));           // before the day: not counted

    MlBenchmark.Detection spikes = MlBenchmark.detect(AnomalyKind.SPIKE, events, List.of(spike, shift), DAY, DAY.plusSeconds(86400), TOL);
    MlBenchmark.Detection shifts = MlBenchmark.detect(AnomalyKind.LEVEL_SHIFT, events, List.of(spike, shift), DAY, DAY.plusSeconds(86400), TOL);

    assertThat(spikes).isEqualTo(new MlBenchmark.Detection(AnomalyKind.SPIKE, 1, 1, 3, 1, 1));
    assertThat(spikes.precision()).isEqualTo(1.0 / 3);
    assertThat(spikes.f1()).isEqualTo(0.5);
    assertThat(shifts).isEqualTo(new MlBenchmark.Detection(AnomalyKind.LEVEL_SHIFT, 1, 1, 1, 1, 1));
    assertThat(MlBenchmark.detect(AnomalyKind.DRIFT, events, List.of(spike, shift), DAY, DAY.plusSeconds(86400), TOL).f1()).isNaN();
    // A drift labelled from the day before to the end of the data: the event a day after its onset matches, but
    // not in the stricter reading; the one a minute after it starts before the scored day and is not counted.
    FaultLabel drift = new FaultLabel("d1", "temp", FaultKind.DRIFT, DAY.minusSeconds(86400 - 7200), DAY.plusSeconds(5 * 86400));
    MlBenchmark.Detection drifts = MlBenchmark.detect(AnomalyKind.DRIFT, events, List.of(drift), DAY, DAY.plusSeconds(86400), TOL);
    assertThat(drifts).isEqualTo(new MlBenchmark.Detection(AnomalyKind.DRIFT, 0, 0, 1, 1, 0));
    assertThat(drifts.precision()).isEqualTo(1.0);
    assertThat(drifts.precisionAtOnset()).isZero();
  }

  @Test
  void theGrowthExponentIsTheLogLogSlope() {
    assertThat(MlBenchmark.growthExponent(List.of(1, 4, 16), List.of(2.0, 8.0, 32.0))).isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(MlBenchmark.growthExponent(List.of(1, 4), List.of(1.0, 16.0))).isCloseTo(2.0, org.assertj.core.data.Offset.offset(1e-9));
    assertThat(MlBenchmark.growthExponent(List.of(1), List.of(1.0))).isNaN();
  }
}
