package io.vigil.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class TelemetryParserTest {
  static final long NOW = TelemetryParserRejectionTest.NOW;
  final TelemetryParser parser = new TelemetryParser(ParserOptions.defaults());

  private ParseResult parse(String topic, String json) {
    return parser.parse(topic, json.getBytes(StandardCharsets.UTF_8), NOW);
  }

  @Test
  void flatPayloadWithEpochMillisAndMessageId() {
    ParseResult r = parse("devices/dev-1/telemetry", "{\"ts\": " + NOW + ", \"msgId\": \"m-1\", \"temperature\": 21.5, \"humidity\": 40}");
    assertThat(r.isAccepted()).isTrue();
    assertThat(r.deviceId()).contains("dev-1");
    assertThat(r.measurements()).containsExactly(
        new Measurement("dev-1", "temperature", NOW, 21.5, "m-1"),
        new Measurement("dev-1", "humidity", NOW, 40.0, "m-1"));
  }

  @Test
  void nestedPayloadWithIsoTimestampAndSequence() {
    ParseResult r = parse("devices/dev-7/telemetry", "{\"ts\": \"2026-11-19T10:00:00.250+01:00\", \"seq\": 42, \"metrics\": {\"noise_db\": 61.2}}");
    assertThat(r.measurements()).containsExactly(
        new Measurement("dev-7", "noise_db", Instant.parse("2026-11-19T09:00:00.250Z").toEpochMilli(), 61.2, "42"));
  }

  @Test
  void deviceIdFromPayloadWhenTopicDoesNotCarryIt() {
    ParseResult r = parse("plant/line-3", "{\"deviceId\": \"press-9\", \"timestamp\": " + NOW + ", \"pressure\": 3}");
    assertThat(r.measurements()).extracting(Measurement::deviceId).containsExactly("press-9");
  }

  @Test
  void customLayoutReadsTheRightSegment() {
    TelemetryParser custom = new TelemetryParser(ParserOptions.defaults().withTopicLayout(TopicLayout.of("site/+/{deviceId}/data")));
    ParseResult r = custom.parse("site/berlin/pump-2/data", ("{\"ts\": " + NOW + ", \"rpm\": 1200}").getBytes(StandardCharsets.UTF_8), NOW);
    assertThat(r.deviceId()).contains("pump-2");
  }

  @Test
  void lenientModeKeepsGoodMetricsAndReportsBadOnes() {
    TelemetryParser lenient = new TelemetryParser(ParserOptions.defaults().withStrict(false));
    ParseResult r = lenient.parse("devices/d/telemetry", ("{\"ts\": " + NOW + ", \"a\": 1, \"b\": \"x\", \"c\": NaN}").getBytes(StandardCharsets.UTF_8), NOW);
    assertThat(r.isAccepted()).isTrue();
    assertThat(r.measurements()).extracting(Measurement::metric).containsExactly("a");
    assertThat(r.fieldRejections()).extracting(Rejection::reason)
        .containsExactly(RejectReason.NON_NUMERIC_METRIC, RejectReason.NON_FINITE_METRIC);
  }

  @Test
  void ignoredFieldsAreNotMetrics() {
    TelemetryParser p = new TelemetryParser(ParserOptions.defaults().withIgnoredFields(Set.of("fw")));
    ParseResult r = p.parse("devices/d/telemetry", ("{\"ts\": " + NOW + ", \"fw\": \"1.2.3\", \"t\": 5}").getBytes(StandardCharsets.UTF_8), NOW);
    assertThat(r.measurements()).extracting(Measurement::metric).containsExactly("t");
  }

  @Test
  void moderateClockSkewIsAcceptedSoTheStreamCanFlagIt() {
    ParseResult r = parse("devices/d/telemetry", "{\"ts\": " + (NOW + 3_600_000) + ", \"t\": 5}");
    assertThat(r.isAccepted()).isTrue();
  }

  @Test
  void measurementIdIsStableForRedeliveryAndDistinctOtherwise() {
    Measurement a = parse("devices/d/telemetry", "{\"ts\": " + NOW + ", \"t\": 5}").measurements().get(0);
    Measurement again = parse("devices/d/telemetry", "{\"t\": 5, \"ts\": " + NOW + "}").measurements().get(0);
    Measurement other = parse("devices/d/telemetry", "{\"ts\": " + (NOW + 1) + ", \"t\": 5}").measurements().get(0);
    assertThat(a.measurementId()).isEqualTo(again.measurementId()).isNotEqualTo(other.measurementId());
  }

  @Test
  void parserSurvivesJavaSerialisationAsSparkShipsIt() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(parser);
    }
    TelemetryParser copy;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (TelemetryParser) in.readObject();
    }
    assertThat(copy.parse("devices/d/telemetry", ("{\"ts\": " + NOW + ", \"t\": 5}").getBytes(StandardCharsets.UTF_8), NOW).isAccepted()).isTrue();
  }
}
