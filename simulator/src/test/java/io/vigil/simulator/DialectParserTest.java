package io.vigil.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.schemas.KafkaHeaders;
import io.vigil.schemas.Measurement;
import io.vigil.schemas.ParseResult;
import io.vigil.schemas.ParserOptions;
import io.vigil.schemas.PayloadMappingConfig;
import io.vigil.schemas.SparkplugAliasTable;
import io.vigil.schemas.TelemetryParser;
import io.vigil.schemas.TimeSource;
import io.vigil.schemas.TopicLayout;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Every dialect's generated messages through the shared parser with the matching preset (the one a user
 * configures for that family): the device, event time and metric values it reads are the simulator's
 * ground truth, and the labels name metrics the lake shows. This is what makes the labels file usable for
 * scoring a mixed fleet.
 */
class DialectParserTest {

  /** How the parser is configured for a dialect: its preset, and for shelly-gen2-rpc the mapping lines. */
  static TelemetryParser parserFor(Dialect d) {
    if (d == Dialect.SHELLY_GEN2_RPC) {
      Map<String, String> lines = new LinkedHashMap<>();
      lines.put("preset", "shelly-gen2");
      lines.put("timestamp.fields", "params.ts");
      lines.put("timestamp.unit", "s");
      lines.put("timestamp.missing", "reject");
      lines.put("metrics.root", "params");
      lines.put("metrics.exclude", "*.id,*.minute_ts");
      return new TelemetryParser(PayloadMappingConfig.apply(ParserOptions.defaults(), lines)
          .withTopicLayout(TopicLayout.of("{deviceId}/events/rpc")));
    }
    return new TelemetryParser(PayloadMappingConfig.apply(ParserOptions.defaults(), Map.of("preset", d.id())));
  }

  /**
   * Reads messages in publish order as the bridge and the streaming job do: a Sparkplug DATA message gets
   * the names of its aliases from the BIRTHs before it (the bridge's {@link SparkplugAliasTable}, sent as a
   * Kafka header); other families need no header.
   */
  static final class Reader {
    private final TelemetryParser parser;
    private final SparkplugAliasTable aliases = new SparkplugAliasTable();

    Reader(TelemetryParser parser) {
      this.parser = parser;
    }

    ParseResult read(SimulatedMessage m) {
      SparkplugAliasTable.Lookup lookup = aliases.observe(m.topic(), m.payload());
      Map<String, String> headers = new HashMap<>();
      lookup.header().ifPresent(h -> headers.put(KafkaHeaders.SPARKPLUG_ALIASES, h));
      lookup.devices().ifPresent(h -> headers.put(KafkaHeaders.SPARKPLUG_DEVICES, h));
      return parser.parse(m.topic(), m.payload(), m.publishTime().toEpochMilli(), headers);
    }
  }

  /** The device a message is of: the simulated device's, but a Sparkplug NBIRTH is its edge node's. */
  static String deviceOf(SimulatedMessage m) {
    return m.topic().contains("/NBIRTH/") ? m.deviceId().substring(0, m.deviceId().lastIndexOf(':')) : m.deviceId();
  }

  /** The event time's resolution in the dialect: Tasmota and OwnTracks send whole seconds, Shelly hundredths. */
  static long resolutionMs(Dialect d) {
    return switch (d) {
      case TASMOTA, OWNTRACKS -> 1000;
      case SHELLY_GEN2_RPC -> 10;
      default -> 1;
    };
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Dialect.class)
  void theParserReadsTheSimulatorsTruth(Dialect d) {
    // Clock skew is left out: under skew the lake shows the device's wrong time, by design.
    Fleets.Run r = Fleets.run(SimulatorConfig.DIALECT, d.id(), SimulatorConfig.DEVICES, "6", SimulatorConfig.HISTORY, "1h",
        SimulatorConfig.DURATION, "20m", SimulatorConfig.FAULTS, "default,malformed=0,skew=0,spike=0.01,late=0.01,ooo=0.01");
    Reader parser = new Reader(parserFor(d));
    Map<String, Set<String>> shown = new HashMap<>();
    int checked = 0;
    for (SimulatedMessage m : r.messages()) {
      ParseResult p = parser.read(m);
      assertThat(p.isAccepted()).as("%s %s accepted: %s", m.topic(), m.payloadText(), p).isTrue();
      assertThat(p.deviceId()).contains(deviceOf(m));
      assertThat(p.timeSource()).isEqualTo(d.carriesTime() ? TimeSource.PAYLOAD : TimeSource.ARRIVAL);
      long res = resolutionMs(d);
      long expected = Math.floorDiv(m.eventTime().toEpochMilli(), res) * res;
      Map<String, Double> read = new HashMap<>();
      for (Measurement x : p.measurements()) {
        assertThat(x.deviceId()).isEqualTo(m.deviceId());
        assertThat(x.eventTimeMillis()).as("event time of %s in %s", x.metric(), m.payloadText()).isEqualTo(expected);
        read.put(x.metric(), x.value());
        shown.computeIfAbsent(m.deviceId(), k -> new HashSet<>()).add(x.metric());
      }
      assertThat(read).as("%s %s", m.topic(), m.payloadText()).containsAllEntriesOf(m.values());
      checked += m.values().size();
    }
    assertThat(checked).isGreaterThan(1000);
    assertThat(r.labels()).isNotEmpty();
    for (FaultLabel l : r.labels()) {
      if (!l.metric().equals(FaultLabel.WHOLE_DEVICE)) {
        assertThat(shown.get(l.device())).as("label %s names a metric the lake shows", l).contains(l.metric());
      }
    }
  }

  /**
   * preset=auto on one route reads a mixed fleet with no mapping at all. Not in the fleet: statestream,
   * which auto only recognises under the base topic {@code homeassistant} (the simulator's base topic is
   * the site's device id, so auto reads it as ESPHome), and shelly-gen2-rpc, whose events topic auto
   * does not take.
   */
  @org.junit.jupiter.api.Test
  void presetAutoReadsAMixedFleetOnOneRoute() {
    Fleets.Run r = Fleets.run(SimulatorConfig.DIALECT, "vigil,zigbee2mqtt,tasmota,shelly-gen2,esphome,owntracks,ttn-v3,sparkplug-b",
        SimulatorConfig.DEVICES, "21", SimulatorConfig.HISTORY, "30m", SimulatorConfig.DURATION, "20m",
        SimulatorConfig.FAULTS, "default,malformed=0,skew=0");
    Reader auto = new Reader(new TelemetryParser(PayloadMappingConfig.apply(ParserOptions.defaults(), Map.of("preset", "auto"))));
    Set<String> families = new HashSet<>();
    for (SimulatedMessage m : r.messages()) {
      ParseResult p = auto.read(m);
      assertThat(p.isAccepted()).as("%s %s accepted: %s", m.topic(), m.payloadText(), p).isTrue();
      assertThat(p.dialect()).isEqualTo(m.dialect().id());
      assertThat(p.deviceId()).contains(deviceOf(m));
      long res = resolutionMs(m.dialect());
      Map<String, Double> read = new HashMap<>();
      for (Measurement x : p.measurements()) {
        assertThat(x.eventTimeMillis()).isEqualTo(Math.floorDiv(m.eventTime().toEpochMilli(), res) * res);
        read.put(x.metric(), x.value());
      }
      assertThat(read).containsAllEntriesOf(m.values());
      families.add(p.dialect());
    }
    assertThat(families).hasSize(8);
  }

  /**
   * A Sparkplug device the fault plan kills says DDEATH: the parser reads the device OFFLINE at the DEAD
   * label's time (what turns the device watch's INACTIVE on at once), and its births ONLINE.
   */
  @org.junit.jupiter.api.Test
  void aDeadSparkplugDeviceGoesOfflineAtItsLabelsTime() {
    Fleets.Run r = Fleets.run(SimulatorConfig.DIALECT, "sparkplug-b", SimulatorConfig.DEVICES, "8", SimulatorConfig.HISTORY, "1h",
        SimulatorConfig.DURATION, "10m", SimulatorConfig.FAULTS, "dead=0.5");
    Reader reader = new Reader(parserFor(Dialect.SPARKPLUG_B));
    Map<String, Long> offline = new HashMap<>();
    Set<String> online = new HashSet<>();
    for (SimulatedMessage m : r.messages()) {
      ParseResult p = reader.read(m);
      assertThat(p.isAccepted()).as("%s: %s", m.topic(), p).isTrue();
      p.deviceStatus().ifPresent(s -> {
        if (s.state() == io.vigil.schemas.DeviceStatus.State.OFFLINE) {
          offline.put(p.deviceId().orElseThrow(), s.atMillis());
        } else {
          online.add(p.deviceId().orElseThrow());
        }
      });
    }
    Map<String, Long> dead = new HashMap<>();
    r.labels().stream().filter(l -> l.kind() == FaultKind.DEAD).forEach(l -> dead.put(l.device(), l.start().toEpochMilli()));
    assertThat(dead).isNotEmpty();
    assertThat(offline).isEqualTo(dead);
    assertThat(online).containsAll(r.generator().deviceIds());
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Dialect.class)
  void malformedMessagesAreRefusedOrLoseOnlyTheBrokenMetric(Dialect d) {
    Fleets.Run r = Fleets.run(SimulatorConfig.DIALECT, d.id(), SimulatorConfig.DEVICES, "6", SimulatorConfig.HISTORY, "1h",
        SimulatorConfig.DURATION, "20m", SimulatorConfig.FAULTS, "malformed=0.05");
    Reader parser = new Reader(parserFor(d));
    int broken = 0;
    for (SimulatedMessage m : r.messages()) {
      ParseResult p = parser.read(m);
      if (!m.faults().contains(FaultKind.MALFORMED)) {
        assertThat(p.isAccepted()).as("%s %s", m.topic(), m.payloadText()).isTrue();
        continue;
      }
      Map<String, Double> read = new HashMap<>();
      p.measurements().forEach(x -> read.put(x.metric(), x.value()));
      Set<String> simulated = new HashSet<>(r.generator().metricsOf(m.deviceId()));
      read.keySet().retainAll(simulated);
      if (!p.isAccepted() || !read.keySet().containsAll(simulated.stream().filter(n -> n.startsWith(prefixOf(m))).toList())) {
        broken++;
      }
      if (p.isAccepted() && !timeBroken(m, p)) {
        assertThat(read).as("%s %s", m.topic(), m.payloadText()).isEqualTo(m.values());
      }
    }
    assertThat(broken).as("malformed messages the parser refused or read a metric less from").isGreaterThan(5);
  }

  /** The metric prefix one message of a multi-message reading carries (a scalar topic's or Shelly status's). */
  private static String prefixOf(SimulatedMessage m) {
    return switch (m.dialect()) {
      case SHELLY_GEN2 -> m.topic().substring(m.topic().lastIndexOf('/') + 1) + ".";
      case ESPHOME -> m.topic().split("/")[2];
      case HOMEASSISTANT_STATESTREAM -> m.topic().split("/")[1] + "." + m.topic().split("/")[2];
      default -> "";
    };
  }

  /** A 1970 or 2999 time the parser took: the time is the break, not the values. */
  private static boolean timeBroken(SimulatedMessage m, ParseResult p) {
    return p.measurements().stream().anyMatch(x -> Math.abs(x.eventTimeMillis() - m.eventTime().toEpochMilli()) > 86_400_000L);
  }
}
