package io.vigil.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.common.config.ConfigException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class SimulatorConfigTest {

  @Test
  void defaultsDescribeALiveDemo() {
    SimulatorConfig c = new SimulatorConfig(Map.of());
    assertThat(c.devices()).isEqualTo(50);
    assertThat(c.duration()).isEqualTo(Duration.ofMinutes(3));
    assertThat(c.history()).isZero();
    assertThat(c.qos()).isEqualTo(1);
    assertThat(c.topicFor("dev-0007")).isEqualTo("devices/dev-0007/telemetry");
    assertThat(c.output()).isEqualTo(SimulatorConfig.Output.MQTT);
    assertThat(c.faults().p(FaultKind.SPIKE)).isPositive();
    assertThat(c.faults().none()).isFalse();
    assertThat(c.mqttUrl()).isNull();
    assertThat(c.dialects()).containsExactly(Dialect.VIGIL);
    assertThat(c.tasmotaZone()).isEqualTo(java.time.ZoneId.of("UTC"));
  }

  @Test
  void everyKeyIsDocumented() {
    assertThat(SimulatorConfig.DEFINITION.keys()).allSatisfy(k -> assertThat(k.doc()).isNotBlank());
    assertThat(SimulatorConfig.DEFINITION.toMarkdownTable()).contains("`simulator.faults`", "`mqtt.qos`");
  }

  @ParameterizedTest(name = "{0}={1} is rejected")
  @CsvSource(delimiter = '|', value = {
      "simulator.devices|0",
      "simulator.devices|many",
      "simulator.duration|-5s",
      "simulator.duration|5 minutes",
      "simulator.interval|100ms",
      "simulator.jitter|0.5",
      "simulator.rate|-1",
      "simulator.speedup|0",
      "mqtt.qos|3",
      "simulator.topic.layout|devices/telemetry",
      "simulator.topic.layout|devices/{deviceId}/#",
      "simulator.output|kafka",
      "simulator.faults|gap=2",
      "simulator.faults|tornado",
      "simulator.faults|spike=0.6,malformed=0.6",
      "simulator.faults|none,gap",
      "simulator.faults|spike=often",
      "simulator.faults.frequency.factor|1",
      "mqtt.max.inflight|0",
      "simulator.devicez|5",
      "simulator.dialect|zwave",
      "simulator.dialect|mixed,vigil",
      "simulator.dialect|tasmota,,esphome",
      "simulator.dialect.tasmota.zone|Mars/Olympus",
  })
  void invalidValuesNameTheirKey(String key, String value) {
    Map<String, String> raw = new HashMap<>();
    raw.put(key, value);
    assertThatThrownBy(() -> new SimulatorConfig(raw))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo(key))
        .hasMessageContaining(key);
  }

  @ParameterizedTest(name = "dialect={0}")
  @CsvSource(delimiter = '|', value = {
      "vigil|VIGIL|1",
      "Shelly-Gen2-RPC|SHELLY_GEN2_RPC|1",
      "mixed|SPARKPLUG_B|10",
      "zigbee2mqtt, esphome,zigbee2mqtt|ESPHOME|2",
  })
  void dialectSpecsParse(String spec, Dialect member, int size) {
    SimulatorConfig c = new SimulatorConfig(Map.of(SimulatorConfig.DIALECT, spec));
    assertThat(c.dialects()).contains(member).hasSize(size);
  }

  @Test
  void nothingToSimulateIsRejected() {
    assertThatThrownBy(() -> new SimulatorConfig(Map.of(SimulatorConfig.DURATION, "0s")))
        .isInstanceOf(ConfigException.class).hasMessageContaining(SimulatorConfig.HISTORY);
  }

  @Test
  void gapBoundsMustBeOrdered() {
    assertThatThrownBy(() -> new SimulatorConfig(Map.of(SimulatorConfig.FAULT_GAP_MIN, "10m", SimulatorConfig.FAULT_GAP_MAX, "5m")))
        .isInstanceOf(ConfigException.class).hasMessageContaining(SimulatorConfig.FAULT_GAP_MAX);
  }

  @ParameterizedTest(name = "faults={0}")
  @CsvSource(delimiter = '|', value = {
      "none|SPIKE|0.0|GAP|0.0",
      "default|SPIKE|0.002|DEAD|0.02",
      "spike|SPIKE|0.002|GAP|0.0",
      "gap=0.5, ooo=0.1|GAP|0.5|OUT_OF_ORDER|0.1",
      "default,dead=0|DEAD|0.0|GAP|0.2",
      "Level-Shift=1,SKEW|LEVEL_SHIFT|1.0|CLOCK_SKEW|0.03",
  })
  void faultSpecsParse(String spec, FaultKind a, double pa, FaultKind b, double pb) {
    SimulatorConfig c = new SimulatorConfig(Map.of(SimulatorConfig.FAULTS, spec));
    assertThat(c.faults().p(a)).isEqualTo(pa);
    assertThat(c.faults().p(b)).isEqualTo(pb);
  }
}
