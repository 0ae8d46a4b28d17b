package io.vigil.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.common.config.ConfigException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The mapping rules one by one, on small payloads; PayloadFixtureTest runs the real families. */
class PayloadMappingTest {
  private static final String TOPIC = "devices/d1/telemetry";
  private static final long ARRIVAL = Instant.parse("2026-12-07T15:00:05Z").toEpochMilli();

  private static ParseResult parse(String settings, String topic, String payload) {
    Map<String, String> raw = new HashMap<>();
    for (String kv : settings.split("\\|")) {
      if (!kv.isBlank()) {
        raw.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
      }
    }
    ParserOptions options = PayloadMappingConfig.apply(ParserOptions.defaults(), raw);
    return new TelemetryParser(options).parse(topic, payload.getBytes(StandardCharsets.UTF_8), ARRIVAL);
  }

  @ParameterizedTest(name = "{0} with {1} -> {2}")
  @CsvSource(delimiter = ';', value = {
      // auto: by magnitude
      "1765120000; timestamp.unit=auto; 2025-12-07T15:06:40Z",
      "1765120000123; timestamp.unit=auto; 2025-12-07T15:06:40.123Z",
      "1765120000123456; timestamp.unit=auto; 2025-12-07T15:06:40.123Z",
      "1765120000123456789; timestamp.unit=auto; 2025-12-07T15:06:40.123Z",
      "1631266595.43; timestamp.unit=auto; 2021-09-10T09:36:35.430Z",
      "\"1765120000\"; timestamp.unit=auto; 2025-12-07T15:06:40Z",
      // explicit units
      "1765120000; timestamp.unit=s; 2025-12-07T15:06:40Z",
      "1765120000123456; timestamp.unit=us; 2025-12-07T15:06:40.123Z",
      "1765120000123456789; timestamp.unit=ns; 2025-12-07T15:06:40.123Z",
      // ISO: with a zone as it is, without one in the configured zone
      "\"2026-12-07T16:00:00+01:00\"; timestamp.unit=auto; 2026-12-07T15:00:00Z",
      "\"2026-12-07T16:00:00\"; timestamp.zone=Europe/Berlin; 2026-12-07T15:00:00Z",
      "\"2026-12-07T15:00:00.250\"; timestamp.zone=UTC; 2026-12-07T15:00:00.250Z",
  })
  void timestampUnitsAndZones(String ts, String settings, String expected) {
    ParseResult r = parse(settings, TOPIC, "{\"ts\": " + ts + ", \"t\": 1}");
    assertThat(r.isAccepted()).as("%s", r).isTrue();
    assertThat(r.measurements().get(0).eventTimeMillis()).isEqualTo(Instant.parse(expected).toEpochMilli());
    assertThat(r.timeSource()).isEqualTo(TimeSource.PAYLOAD);
  }

  @Test
  void aZoneLessTimeWithoutAConfiguredZoneIsRefusedSayingWhichKeyFixesIt() {
    ParseResult r = parse("timestamp.unit=auto", TOPIC, "{\"ts\": \"2026-12-07T15:00:00\", \"t\": 1}");
    assertThat(r.rejection()).hasValueSatisfying(x -> {
      assertThat(x.reason()).isEqualTo(RejectReason.INVALID_TIMESTAMP);
      assertThat(x.field()).isEqualTo("ts");
      assertThat(x.message()).contains("timestamp.zone");
    });
  }

  @Test
  void theFirstPresentCandidateWinsAndNestedPathsWork() {
    ParseResult r = parse("timestamp.fields=meta.time,ts|timestamp.unit=auto", TOPIC,
        "{\"ts\": 1000, \"meta\": {\"time\": 1765120000}, \"t\": 1}");
    assertThat(r.measurements()).singleElement().satisfies(m -> {
      assertThat(m.eventTimeMillis()).isEqualTo(1_765_120_000_000L);
      assertThat(m.metric()).isEqualTo("t");
    });
  }

  @Test
  void missingTimestampIsRefusedNamingTheCandidatesOrTakesTheArrivalTime() {
    ParseResult refused = parse("timestamp.fields=time,t0|timestamp.unit=auto", TOPIC, "{\"rpm\": 1200}");
    assertThat(refused.rejection()).hasValueSatisfying(x -> {
      assertThat(x.reason()).isEqualTo(RejectReason.MISSING_TIMESTAMP);
      assertThat(x.message()).contains("[time, t0]", "timestamp.missing=arrival");
    });
    ParseResult arrival = parse("timestamp.missing=arrival", TOPIC, "{\"rpm\": 1200}");
    assertThat(arrival.timeSource()).isEqualTo(TimeSource.ARRIVAL);
    assertThat(arrival.measurements()).singleElement().satisfies(m -> assertThat(m.eventTimeMillis()).isEqualTo(ARRIVAL));
  }

  @Test
  void rootIncludeExcludeAndArrays() {
    String payload = "{\"ts\": 1796655600000, \"fw\": 3, \"data\": {\"a\": {\"x\": 1, \"y\": 2}, \"b\": [5, 6], \"c\": true, \"n\": null}}";
    ParseResult r = parse("metrics.root=data|metrics.exclude=a.y|arrays=index", TOPIC, payload);
    assertThat(r.measurements()).extracting(m -> m.metric() + "=" + m.value())
        .containsExactly("a.x=1.0", "b.0=5.0", "b.1=6.0", "c=1.0");
    ParseResult included = parse("metrics.root=data|metrics.include=a.*", TOPIC, payload);
    assertThat(included.measurements()).extracting(Measurement::metric).containsExactly("a.x", "a.y");
    ParseResult missing = parse("metrics.root=payload.values", TOPIC, payload);
    assertThat(missing.rejection()).hasValueSatisfying(x -> {
      assertThat(x.reason()).isEqualTo(RejectReason.NO_METRICS);
      assertThat(x.field()).isEqualTo("payload.values");
    });
  }

  @Test
  void stringsAreAttributesUnlessTheMappingRefusesThem() {
    String payload = "{\"ts\": 1796655600000, \"pressure\": 2.4, \"status\": \"RUNNING\"}";
    assertThat(parse("strings=attribute", TOPIC, payload).attributes())
        .containsExactly(new Attribute("status", "RUNNING", 1_796_655_600_000L));
    assertThat(parse("strings=reject|timestamp.unit=auto", TOPIC, payload).rejection())
        .hasValueSatisfying(x -> assertThat(x.reason()).isEqualTo(RejectReason.NON_NUMERIC_METRIC));
    assertThat(parse("strings=attribute", TOPIC, "{\"ts\": 1796655600000, \"status\": \"RUNNING\"}").rejection())
        .hasValueSatisfying(x -> {
          assertThat(x.reason()).isEqualTo(RejectReason.NO_METRICS);
          assertThat(x.message()).contains("only 1 text value");
        });
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = ';', nullValues = "NONE", value = {
      "21.5; 21.5; NONE",
      "\"21.5\"; 21.5; NONE",
      "-67; -67.0; NONE",
      "ON; 1.0; NONE",
      "off; 0.0; NONE",
      "true; 1.0; NONE",
      "\"false\"; 0.0; NONE",
      "idle; NONE; idle",
  })
  void scalarPayloadsTakeTheirMetricFromTheTopic(String payload, Double value, String attribute) {
    ParseResult r = parse("preset=esphome", "node1/sensor/level/state", payload);
    assertThat(r.isAccepted()).as("%s", r).isTrue();
    assertThat(r.timeSource()).isEqualTo(TimeSource.ARRIVAL);
    if (value != null) {
      assertThat(r.measurements()).singleElement().satisfies(m -> {
        assertThat(m.metric()).isEqualTo("level");
        assertThat(m.value()).isEqualTo(value);
      });
    } else {
      assertThat(r.attributes()).containsExactly(new Attribute("level", attribute, ARRIVAL));
    }
  }

  @Test
  void statusTopicsAndReservedFormats() {
    assertThat(parse("preset=esphome", "node1/status", "sleeping").rejection())
        .hasValueSatisfying(x -> assertThat(x.reason()).isEqualTo(RejectReason.INVALID_STATUS));
    assertThat(parse("preset=sparkplug-b", "spBv1.0/g/DDATA/n1", "x").rejection())
        .hasValueSatisfying(x -> assertThat(x.reason()).isEqualTo(RejectReason.UNSUPPORTED_FORMAT));
    assertThat(parse("preset=tasmota", "stat/plug/RESULT", "{}").rejection())
        .hasValueSatisfying(x -> assertThat(x.reason()).isEqualTo(RejectReason.TOPIC_MISMATCH));
  }

  @Test
  void badMappingValuesAreRefusedNamingTheKey() {
    assertThatThrownBy(() -> parse("timestamp.unit=hours", TOPIC, "{}"))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("timestamp.unit"));
    assertThatThrownBy(() -> parse("timestamp.zone=Nowhere/Land", TOPIC, "{}"))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("timestamp.zone"));
    assertThatThrownBy(() -> parse("preset=lorawan", TOPIC, "{}"))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("preset"));
  }

  @Test
  void theDefaultStaysVigilsDialectAndAPresetParserSurvivesSerialisation() throws Exception {
    assertThat(ParserOptions.defaults().mapping().isVigil()).isTrue();
    assertThat(PayloadMappingConfig.apply(ParserOptions.defaults(), Map.of()).mapping().isVigil()).isTrue();
    TelemetryParser parser = new TelemetryParser(ParserOptions.defaults().withPreset("tasmota"));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(parser);
    }
    TelemetryParser copy;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (TelemetryParser) in.readObject();
    }
    ParseResult r = copy.parse("tele/p1/SENSOR",
        "{\"Time\":\"2026-12-07T15:00:00\",\"ENERGY\":{\"Power\":120}}".getBytes(StandardCharsets.UTF_8), ARRIVAL);
    assertThat(r.measurements()).extracting(m -> m.metric() + "=" + m.value()).containsExactly("ENERGY.Power=120.0");
    assertThat(r.dialect()).isEqualTo("tasmota");
  }
}
