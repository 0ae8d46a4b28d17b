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
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CadenceScoreTest {
  private static final Instant LIVE = Instant.parse("2026-11-22T10:00:00Z");
  private static final Instant END = LIVE.plusSeconds(90);
  private static final double FACTOR = 2.2;
  private static final int MIN_SAMPLES = 5;

  private static FaultLabel change(String device, long atSecond) {
    return new FaultLabel(device, FaultLabel.WHOLE_DEVICE, FaultKind.FREQUENCY_CHANGE, LIVE.plusSeconds(atSecond), END);
  }

  private static AnomalyEvent event(AnomalyKind kind, String device, long atSecond) {
    return AnomalyEvent.builder(kind, AnomalySource.STREAM, device, null, LIVE.plusSeconds(atSecond))
        .detectedAt(LIVE.plusSeconds(atSecond + 5)).message("test").build();
  }

  @Test
  void changesAreMatchedPerDeviceAndOnlyDetectableOnesCountAsMissed() {
    List<FaultLabel> labels = List.of(
        change("fast-seen", 30),       // 1 s cadence, changed mid-run: must be flagged, and is
        change("fast-missed", 30),     // the same, but not flagged: missed
        change("early", 3),            // before the watch knows the old cadence: may be flagged
        change("slow", 30),            // 12 s cadence: 90 s cannot show a change
        change("interrupted", 30),     // a gap right after the change: the watch sets those intervals aside
        new FaultLabel("interrupted", FaultLabel.WHOLE_DEVICE, FaultKind.GAP, LIVE.plusSeconds(35), LIVE.plusSeconds(60)));
    Map<String, Duration> intervals = Map.of("fast-seen", Duration.ofSeconds(1), "fast-missed", Duration.ofSeconds(1),
        "early", Duration.ofSeconds(1), "slow", Duration.ofSeconds(12), "interrupted", Duration.ofSeconds(1),
        "steady", Duration.ofSeconds(1));
    List<AnomalyEvent> events = List.of(
        event(AnomalyKind.FREQUENCY_CHANGE, "fast-seen", 31),
        event(AnomalyKind.FREQUENCY_CHANGE, "early", 20),
        event(AnomalyKind.FREQUENCY_CHANGE, "steady", 40),  // nothing changed there: a false alarm
        event(AnomalyKind.GAP, "fast-missed", 50));         // other kinds do not count

    CadenceScore s = CadenceScore.of(labels, intervals, FACTOR, MIN_SAMPLES, LIVE, END, events);

    assertThat(s.injected()).containsExactlyInAnyOrder("fast-seen", "fast-missed", "early", "slow", "interrupted");
    assertThat(s.mustDetect()).containsExactlyInAnyOrder("fast-seen", "fast-missed");
    assertThat(s.detected()).containsExactlyInAnyOrder("fast-seen", "early", "steady");
    assertThat(s.found()).containsExactly("early", "fast-seen");
    assertThat(s.missed()).containsExactly("fast-missed");
    assertThat(s.falseAlarms()).containsExactly("steady");
    assertThat(s.render()).isEqualTo(
        "Cadence     frequency changed on [early, fast-missed, fast-seen, interrupted, slow] (must be flagged: [fast-missed,"
            + " fast-seen]); flagged with FREQUENCY_CHANGE: [early, fast-seen, steady]" + System.lineSeparator()
            + "            missed: [fast-missed], false alarms: [steady]");
  }

  @ParameterizedTest(name = "{0} ms cadence, change at {1} s: detectable by {2}")
  @CsvSource({
      // Reference after (5 + 1) x 1.25 x 1 s = 7.5 s; a majority of 5 slowed intervals = 4 x 2.75 s = 11 s.
      "1000, 30, 41",
      // Just after the reference; then 5 intervals since it (7.5 + 13.75 s) come last.
      "1000, 8, 21.25",
      // Before the reference is learned: cannot be required.
      "1000, 7, ",
      // 4 s cadence: reference at 30 s; 5 slowed intervals after it (55 s) outlast a majority after the change (44 s).
      "4000, 40, 85",
      // 12 s cadence: the reference alone takes 90 s.
      "12000, 89, ",
  })
  void detectableByLeavesTimeToLearnTheCadenceAndSeeAMajorityOfNewIntervals(long intervalMs, long onsetSecond,
      Double bySecond) {
    Instant by = CadenceScore.detectableBy(LIVE.plusSeconds(onsetSecond), Duration.ofMillis(intervalMs), FACTOR,
        MIN_SAMPLES, LIVE);
    if (bySecond == null) {
      assertThat(by).isNull();
    } else {
      assertThat(by).isEqualTo(LIVE.plusMillis(Math.round(bySecond * 1000)));
    }
  }

  @Test
  void aChangeThatCannotShowBeforeTheFleetStopsIsNotRequired() {
    // 4 s cadence changed at 50 s: seen by 94 s, after the run's 90 s.
    CadenceScore s = CadenceScore.of(List.of(change("d", 50)), Map.of("d", Duration.ofSeconds(4)), FACTOR, MIN_SAMPLES,
        LIVE, END, List.of());
    assertThat(s.injected()).containsExactly("d");
    assertThat(s.mustDetect()).isEmpty();
    assertThat(s.missed()).isEmpty();
  }
}
