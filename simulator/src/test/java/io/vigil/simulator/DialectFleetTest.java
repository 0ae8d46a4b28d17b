package io.vigil.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;

/** Mixed fleets, the live-only rule for dialects without time, and faults in every dialect. */
class DialectFleetTest {

  @Test
  void aMixedFleetDrawsEveryDialectFromTheSeedAndAddingDevicesKeepsTheirs() {
    Fleets.Run small = Fleets.run(SimulatorConfig.DIALECT, "mixed", SimulatorConfig.DEVICES, "40", SimulatorConfig.HISTORY, "10m");
    Fleets.Run large = Fleets.run(SimulatorConfig.DIALECT, "mixed", SimulatorConfig.DEVICES, "60", SimulatorConfig.HISTORY, "10m");
    Fleets.Run other = Fleets.run(SimulatorConfig.DIALECT, "mixed", SimulatorConfig.DEVICES, "40", SimulatorConfig.HISTORY, "10m",
        SimulatorConfig.SEED, "43");
    Map<Dialect, Long> counts = small.generator().deviceIds().stream()
        .collect(Collectors.groupingBy(small.generator()::dialectOf, () -> new EnumMap<>(Dialect.class), Collectors.counting()));
    assertThat(counts.keySet()).containsExactlyInAnyOrder(Dialect.values());
    for (String d : small.generator().deviceIds()) {
      assertThat(large.generator().dialectOf(d)).isEqualTo(small.generator().dialectOf(d));
      assertThat(large.generator().topicOf(d)).isEqualTo(small.generator().topicOf(d));
    }
    // By position: a device's id follows its dialect (OwnTracks' vigil:dev-0001).
    assertThat(other.generator().deviceIds().stream().map(d -> other.generator().dialectOf(d)).toList())
        .isNotEqualTo(small.generator().deviceIds().stream().map(d -> small.generator().dialectOf(d)).toList());
  }

  @Test
  void aListMixesOnlyItsDialects() {
    Fleets.Run r = Fleets.run(SimulatorConfig.DIALECT, "tasmota,owntracks", SimulatorConfig.DEVICES, "12");
    assertThat(r.messages().stream().map(SimulatedMessage::dialect).collect(Collectors.toSet()))
        .containsExactlyInAnyOrder(Dialect.TASMOTA, Dialect.OWNTRACKS);
  }

  @Test
  void devicesWithoutTimestampsHaveNoHistoryAndNoTimingFaults() {
    Fleets.Run r = Fleets.run(SimulatorConfig.DIALECT, "mixed", SimulatorConfig.DEVICES, "30", SimulatorConfig.HISTORY, "1h",
        SimulatorConfig.DURATION, "30m", SimulatorConfig.FAULTS, "default,skew=1,late=0.05,ooo=0.05");
    Instant anchor = r.generator().anchor();
    Set<Dialect> withHistory = EnumSet.noneOf(Dialect.class);
    for (SimulatedMessage m : r.messages()) {
      if (m.dialect().carriesTime()) {
        if (m.eventTime().isBefore(anchor)) {
          withHistory.add(m.dialect());
        }
        continue;
      }
      assertThat(m.eventTime()).isAfterOrEqualTo(anchor);
      assertThat(m.publishTime()).isEqualTo(m.eventTime());
      assertThat(m.faults()).doesNotContain(FaultKind.CLOCK_SKEW, FaultKind.LATE, FaultKind.OUT_OF_ORDER);
    }
    assertThat(withHistory).contains(Dialect.VIGIL, Dialect.TASMOTA, Dialect.TTN_V3);
    for (FaultLabel l : r.labels()) {
      Dialect d = r.generator().dialectOf(l.device());
      if (!d.carriesTime()) {
        assertThat(l.start()).isAfterOrEqualTo(anchor);
        assertThat(l.kind()).isNotIn(FaultKind.CLOCK_SKEW, FaultKind.LATE, FaultKind.OUT_OF_ORDER);
      }
      if (d == Dialect.TTN_V3) {
        // The network server's clock stamps the uplink, not the device's.
        assertThat(l.kind()).isNotEqualTo(FaultKind.CLOCK_SKEW);
      }
    }
    assertThat(r.labels()).anyMatch(l -> l.kind() == FaultKind.CLOCK_SKEW);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Dialect.class)
  void faultsAreInjectedAndLabelledInEveryDialect(Dialect d) {
    Fleets.Run r = Fleets.run(SimulatorConfig.DIALECT, d.id(), SimulatorConfig.DEVICES, "10", SimulatorConfig.HISTORY, "1h",
        SimulatorConfig.DURATION, "1h", SimulatorConfig.FAULTS, "gap=1,dead=0.5,frequency=0.5,shift=0.5,spike=0.01,malformed=0.01");
    Map<String, List<SimulatedMessage>> byDevice = r.messages().stream().collect(Collectors.groupingBy(SimulatedMessage::deviceId));
    Set<FaultKind> labelled = r.labels().stream().map(FaultLabel::kind).collect(Collectors.toSet());
    assertThat(labelled).contains(FaultKind.GAP, FaultKind.DEAD, FaultKind.FREQUENCY_CHANGE, FaultKind.LEVEL_SHIFT,
        FaultKind.SPIKE, FaultKind.MALFORMED);
    for (FaultLabel l : r.labels()) {
      List<SimulatedMessage> mine = byDevice.getOrDefault(l.device(), List.of());
      if (l.kind() == FaultKind.GAP || l.kind() == FaultKind.DEAD) {
        // Readings stop; a family's word of death (Sparkplug's DDEATH, fault DEAD) is sent at the label's start.
        assertThat(mine).noneMatch(m -> l.covers(m.eventTime()) && !m.faults().contains(FaultKind.DEAD));
      }
      if (l.kind() == FaultKind.SPIKE || l.kind() == FaultKind.MALFORMED) {
        assertThat(mine).anyMatch(m -> m.eventTime().equals(l.start()) && m.faults().contains(l.kind()));
      }
      if (!l.metric().equals(FaultLabel.WHOLE_DEVICE)) {
        assertThat(r.generator().metricsOf(l.device())).contains(l.metric());
      }
    }
    assertThat(r.messages()).anyMatch(m -> m.faults().contains(FaultKind.MALFORMED) && m.values().isEmpty());
  }
}
