package io.vigil.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.tahu.protobuf.SparkplugBProto.DataType;
import org.eclipse.tahu.protobuf.SparkplugBProto.Payload;
import org.junit.jupiter.api.Test;

/**
 * Each dialect's messages have the topic and payload shape its family's public documentation shows
 * (expectations written from the docs named in {@link Dialect}; the parser's reading is checked in
 * {@link DialectParserTest}).
 */
class DialectShapeTest {

  static Fleets.Run run(Dialect d, String... more) {
    Map<String, String> s = Fleets.settings(SimulatorConfig.DIALECT, d.id(), SimulatorConfig.DEVICES, "8",
        SimulatorConfig.HISTORY, "1h", SimulatorConfig.DURATION, "10m");
    for (int i = 0; i < more.length; i += 2) {
      s.put(more[i], more[i + 1]);
    }
    return Fleets.run(s);
  }

  static Matcher topic(String regex, SimulatedMessage m) {
    Matcher t = Pattern.compile(regex).matcher(m.topic());
    assertThat(t.matches()).as("topic %s matches %s", m.topic(), regex).isTrue();
    return t;
  }

  @Test
  void zigbee2mqttIsAFlatObjectWithoutTimeOnTheFriendlyName() {
    boolean sawBoolean = false;
    for (SimulatedMessage m : run(Dialect.ZIGBEE2MQTT).messages()) {
      assertThat(topic("zigbee2mqtt/([^/]+)", m).group(1)).isEqualTo(m.deviceId());
      JsonNode n = Fleets.parse(m);
      assertThat(n.has("ts") || n.has("time") || n.has("last_seen")).isFalse();
      assertThat(n.get("linkquality").isIntegralNumber()).isTrue();
      assertThat(n.get("update").get("state").isTextual()).isTrue();
      m.values().forEach((metric, v) -> assertThat(n.get(metric).asDouble()).isEqualTo(v));
      sawBoolean |= n.has("occupancy") || n.has("vibration") || n.has("battery_low");
    }
    assertThat(sawBoolean).isTrue();
  }

  @Test
  void tasmotaHasLocalTimeWithoutZoneAndReadingsUnderTheSensorName() {
    Fleets.Run r = run(Dialect.TASMOTA, SimulatorConfig.TASMOTA_ZONE, "Europe/Amsterdam");
    Map<String, Integer> groups = new HashMap<>();
    for (SimulatedMessage m : r.messages()) {
      assertThat(topic("tele/([^/]+)/SENSOR", m).group(1)).isEqualTo(m.deviceId());
      JsonNode n = Fleets.parse(m);
      String time = n.get("Time").asText();
      assertThat(time).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d");
      Instant at = LocalDateTime.parse(time).atZone(java.time.ZoneId.of("Europe/Amsterdam")).toInstant();
      assertThat(at).isEqualTo(Instant.ofEpochSecond(m.eventTime().getEpochSecond()));
      m.values().forEach((metric, v) -> {
        String[] path = metric.split("\\.");
        assertThat(n.get(path[0]).get(path[1]).asDouble()).isEqualTo(v);
        groups.merge(path[0], 1, Integer::sum);
      });
      if (n.has("ENERGY")) {
        JsonNode e = n.get("ENERGY");
        assertThat(List.of("TotalStartTime", "Total", "Yesterday", "Today", "Power", "Voltage", "Current"))
            .allSatisfy(k -> assertThat(e.has(k)).as(k).isTrue());
        assertThat(e.get("TotalStartTime").isTextual()).isTrue();
      }
      if (n.has("AM2301") || n.has("ENERGY")) {
        assertThat(n.get("TempUnit").asText()).isEqualTo("C");
      }
    }
    assertThat(groups.keySet()).contains("ENERGY", "ANALOG");
  }

  @Test
  void shellyGenericStatusIsOneComponentPerTopic() {
    Fleets.Run r = run(Dialect.SHELLY_GEN2);
    boolean sawSwitch = false;
    for (SimulatedMessage m : r.messages()) {
      Matcher t = topic("([^/]+)/status/([a-z]+:\\d+)", m);
      assertThat(t.group(1)).isEqualTo(m.deviceId());
      JsonNode n = Fleets.parse(m);
      assertThat(n.get("id").isIntegralNumber()).isTrue();
      assertThat(n.has("ts")).isFalse();
      if (t.group(2).equals("switch:0")) {
        sawSwitch = true;
        assertThat(n.get("source").isTextual()).isTrue();
        assertThat(n.get("aenergy").get("by_minute").size()).isEqualTo(3);
        assertThat(n.get("aenergy").get("minute_ts").asLong() % 60).isZero();
        assertThat(n.get("temperature").has("tC") && n.get("temperature").has("tF")).isTrue();
        assertThat(n.get("apower").asDouble()).isEqualTo(m.values().get("switch:0.apower"));
      }
      m.values().forEach((metric, v) -> {
        assertThat(metric).startsWith(t.group(2) + ".");
        assertThat(n.get(metric.substring(t.group(2).length() + 1)).asDouble()).isEqualTo(v);
      });
    }
    assertThat(sawSwitch).isTrue();
  }

  @Test
  void shellyNotifyStatusCarriesTsInSecondsWithHundredths() {
    for (SimulatedMessage m : run(Dialect.SHELLY_GEN2_RPC).messages()) {
      assertThat(topic("([^/]+)/events/rpc", m).group(1)).isEqualTo(m.deviceId());
      JsonNode n = Fleets.parse(m);
      assertThat(n.get("method").asText()).isEqualTo("NotifyStatus");
      assertThat(n.get("src").asText()).isEqualTo(m.deviceId());
      Matcher raw = Pattern.compile("\"ts\":(\\d+\\.\\d\\d)[,}]").matcher(m.payloadText());
      assertThat(raw.find()).as("ts with hundredths in %s", m.payloadText()).isTrue();
      assertThat(new BigDecimal(raw.group(1)).movePointRight(3).longValueExact()).isEqualTo(Math.floorDiv(m.eventTime().toEpochMilli(), 10) * 10);
      m.values().forEach((metric, v) -> {
        int dot = metric.indexOf('.');
        assertThat(n.get("params").get(metric.substring(0, dot)).get(metric.substring(dot + 1)).asDouble()).isEqualTo(v);
      });
    }
  }

  @Test
  void esphomeSendsOneBareValuePerMetricWithItsAccuracyDecimals() {
    Fleets.Run r = run(Dialect.ESPHOME);
    Map<String, Integer> perReading = new HashMap<>();
    for (SimulatedMessage m : r.messages()) {
      Matcher t = topic("([^/]+)/(sensor|binary_sensor)/([a-z_]+)/state", m);
      assertThat(t.group(1)).isEqualTo(m.deviceId());
      if (t.group(2).equals("binary_sensor")) {
        assertThat(m.payloadText()).isIn("ON", "OFF");
        continue;
      }
      perReading.merge(m.deviceId() + m.eventTime(), 1, Integer::sum);
      String metric = t.group(3);
      assertThat(m.values()).containsOnlyKeys(metric);
      assertThat(Double.parseDouble(m.payloadText())).isEqualTo(m.values().get(metric));
      int decimals = m.payloadText().contains(".") ? m.payloadText().length() - m.payloadText().indexOf('.') - 1 : 0;
      assertThat(decimals).isEqualTo(switch (metric) {
        case "temperature", "voltage" -> 2;
        case "vibration_rms" -> 3;
        default -> 1;
      });
    }
    for (String d : r.generator().deviceIds()) {
      int metrics = r.generator().metricsOf(d).size();
      perReading.entrySet().stream().filter(e -> e.getKey().startsWith(d))
          .forEach(e -> assertThat(e.getValue()).as("messages of one reading of %s", d).isEqualTo(metrics));
    }
  }

  @Test
  void statestreamSendsTheEntityStateOnTheBaseTopicOfTheSite() {
    for (SimulatedMessage m : run(Dialect.HOMEASSISTANT_STATESTREAM).messages()) {
      Matcher t = topic("([^/]+)/(sensor|binary_sensor)/([a-z_]+)/state", m);
      assertThat(t.group(1)).isEqualTo(m.deviceId());
      if (t.group(2).equals("binary_sensor")) {
        assertThat(m.payloadText()).isIn("on", "off");
        continue;
      }
      String entity = "sensor." + t.group(3);
      assertThat(m.values()).containsOnlyKeys(entity);
      assertThat(Double.parseDouble(m.payloadText())).isEqualTo(m.values().get(entity));
    }
  }

  @Test
  void owntracksSendsLocationsWithTstInEpochSeconds() {
    Fleets.Run r = run(Dialect.OWNTRACKS);
    for (SimulatedMessage m : r.messages()) {
      // The preset names the device <user>:<device>, and so do the simulator's labels.
      assertThat(Dialect.OWNTRACKS_USER + ":" + topic("owntracks/" + Dialect.OWNTRACKS_USER + "/([^/]+)", m).group(1))
          .isEqualTo(m.deviceId());
      JsonNode n = Fleets.parse(m);
      assertThat(n.get("_type").asText()).isEqualTo("location");
      assertThat(n.get("tst").isIntegralNumber()).isTrue();
      assertThat(n.get("tst").asLong()).isEqualTo(m.eventTime().getEpochSecond());
      assertThat(List.of("lat", "lon", "acc", "batt", "vel", "tid")).allSatisfy(k -> assertThat(n.has(k)).as(k).isTrue());
      assertThat(n.get("batt").isIntegralNumber()).isTrue();
      assertThat(n.get("batt").asInt()).isBetween(0, 100);
      assertThat(Math.abs(n.get("lat").asDouble())).isLessThanOrEqualTo(90);
    }
    assertThat(r.generator().metricsOf(Dialect.OWNTRACKS_USER + ":dev-0001")).containsExactly("lat", "lon", "acc", "batt", "vel");
  }

  @Test
  void ttnUplinkHasIdsReceivedAtDecodedPayloadAndRadioData() {
    Map<String, Long> fcnt = new HashMap<>();
    for (SimulatedMessage m : run(Dialect.TTN_V3).messages()) {
      assertThat(topic("v3/vigil-sim@ttn/devices/([^/]+)/up", m).group(1)).isEqualTo(m.deviceId());
      JsonNode n = Fleets.parse(m);
      assertThat(n.get("end_device_ids").get("device_id").asText()).isEqualTo(m.deviceId());
      assertThat(n.get("end_device_ids").get("application_ids").get("application_id").asText()).isEqualTo("vigil-sim");
      assertThat(n.get("end_device_ids").get("dev_eui").asText()).matches("[0-9A-F]{16}");
      Instant received = Instant.parse(n.get("received_at").asText());
      assertThat(received.toEpochMilli()).isEqualTo(m.eventTime().toEpochMilli());
      JsonNode up = n.get("uplink_message");
      m.values().forEach((metric, v) -> assertThat(up.get("decoded_payload").get(metric).asDouble()).isEqualTo(v));
      JsonNode rx = up.get("rx_metadata").get(0);
      assertThat(rx.get("gateway_ids").has("gateway_id")).isTrue();
      assertThat(rx.get("rssi").isIntegralNumber() && rx.get("snr").isNumber()).isTrue();
      assertThat(up.get("settings").get("data_rate").get("lora").get("spreading_factor").asInt()).isEqualTo(7);
      long f = up.get("f_cnt").asLong();
      Long prev = fcnt.put(m.deviceId(), f);
      assertThat(prev == null || f > prev).isTrue();
    }
  }

  @Test
  void everyDialectGivesTheSameBytesForTheSameSeed() {
    for (Dialect d : Dialect.values()) {
      Fleets.Run a = run(d, SimulatorConfig.FAULTS, "default,malformed=0.02,spike=0.02");
      Fleets.Run b = run(d, SimulatorConfig.FAULTS, "default,malformed=0.02,spike=0.02");
      assertThat(b.messages()).hasSameSizeAs(a.messages());
      for (int i = 0; i < a.messages().size(); i++) {
        assertThat(b.messages().get(i).topic()).isEqualTo(a.messages().get(i).topic());
        assertThat(b.messages().get(i).payload()).isEqualTo(a.messages().get(i).payload());
      }
      assertThat(FaultLabels.toCsv(b.labels())).isEqualTo(FaultLabels.toCsv(a.labels()));
    }
  }

  /**
   * Sparkplug B (Eclipse Sparkplug 3.0): per edge node NBIRTH first (seq 0, bdSeq), the DBIRTH defining every
   * metric by name, alias and datatype, then DDATA by alias only with timestamps; seq counts the node's messages
   * 0 to 255; a device that dies says DDEATH at its label's time, and nothing after.
   */
  @Test
  void sparkplugBirthsBeforeDataByAliasWithASequencePerNodeAndADeathForADeadDevice() throws Exception {
    Fleets.Run r = run(Dialect.SPARKPLUG_B, SimulatorConfig.FAULTS, "dead=0.5", SimulatorConfig.INTERVAL, "5s");
    Map<String, Long> deaths = new HashMap<>();
    for (FaultLabel l : r.labels()) {
      if (l.kind() == FaultKind.DEAD) {
        deaths.put(l.device(), l.start().toEpochMilli());
      }
    }
    assertThat(deaths).isNotEmpty().hasSizeLessThan(8);
    for (String device : r.generator().deviceIds()) {
      Matcher id = Pattern.compile("vigil-sim:(edge-\\d{4}):(dev-\\d{4})").matcher(device);
      assertThat(id.matches()).as(device).isTrue();
      String node = "spBv1.0/vigil-sim/%s/" + id.group(1);
      List<SimulatedMessage> ms = r.of(device);
      assertThat(ms.get(0).topic()).isEqualTo(node.formatted("NBIRTH"));
      assertThat(ms.get(1).topic()).isEqualTo(node.formatted("DBIRTH") + "/" + id.group(2));
      Payload nbirth = Payload.parseFrom(ms.get(0).payload());
      assertThat(nbirth.getSeq()).isZero();
      assertThat(nbirth.getMetricsList()).anySatisfy(m -> {
        assertThat(m.getName()).isEqualTo("bdSeq");
        assertThat(m.getDatatype()).isEqualTo(DataType.Int64_VALUE);
      });
      Payload dbirth = Payload.parseFrom(ms.get(1).payload());
      assertThat(dbirth.getMetricsList()).hasSize(r.generator().metricsOf(device).size()).allSatisfy(m -> {
        assertThat(m.getName()).startsWith("Sensors/");
        assertThat(m.hasAlias()).isTrue();
        assertThat(m.getDatatype()).isEqualTo(DataType.Double_VALUE);
      });
      long expectedSeq = 0;
      for (SimulatedMessage m : ms) {
        Payload p = Payload.parseFrom(m.payload());
        assertThat(p.getSeq()).as("seq of %s", m.topic()).isEqualTo(expectedSeq);
        expectedSeq = (expectedSeq + 1) % 256;
        if (m.topic().contains("/DDATA/")) {
          assertThat(p.getTimestamp()).isEqualTo(m.eventTime().toEpochMilli());
          assertThat(p.getMetricsList()).allSatisfy(x -> {
            assertThat(x.hasName()).isFalse();
            assertThat(x.hasAlias()).isTrue();
            assertThat(x.getTimestamp()).isEqualTo(m.eventTime().toEpochMilli());
          });
        }
      }
      SimulatedMessage last = ms.get(ms.size() - 1);
      if (deaths.containsKey(device)) {
        assertThat(last.topic()).isEqualTo(node.formatted("DDEATH") + "/" + id.group(2));
        assertThat(Payload.parseFrom(last.payload()).getTimestamp()).isEqualTo(deaths.get(device));
        assertThat(ms.stream().filter(m -> m.topic().contains("/DDEATH/"))).hasSize(1);
      } else {
        assertThat(ms).noneMatch(m -> m.topic().contains("DEATH"));
      }
    }
  }
}
