package io.vigil.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every malformed message is refused with the right reason, the right field and a usable message. */
class TelemetryParserRejectionTest {
  static final long NOW = 1_795_000_000_000L; // 2026-11-19
  static final String TOPIC = "devices/dev-1/telemetry";
  static final TelemetryParser PARSER = new TelemetryParser(ParserOptions.defaults());

  static Stream<Arguments> malformed() {
    String big = "{\"ts\":" + NOW + ",\"pad\":1" + ",\"x\":\"" + "a".repeat(70_000) + "\"}";
    return Stream.of(
        rej("empty payload", TOPIC, "", RejectReason.EMPTY_PAYLOAD, null),
        rej("oversized payload", TOPIC, big, RejectReason.OVERSIZED_PAYLOAD, null),
        rej("plain text", TOPIC, "hello", RejectReason.NOT_JSON, null),
        rej("truncated object", TOPIC, "{\"ts\": " + NOW + ", \"t\": 1", RejectReason.NOT_JSON, null),
        rej("trailing garbage", TOPIC, "{\"ts\": " + NOW + ", \"t\": 1} x", RejectReason.NOT_JSON, null),
        rej("single quotes", TOPIC, "{'ts': 1, 't': 2}", RejectReason.NOT_JSON, null),
        rej("JSON array", TOPIC, "[1,2,3]", RejectReason.NOT_AN_OBJECT, null),
        rej("JSON number", TOPIC, "42", RejectReason.NOT_AN_OBJECT, null),
        rej("JSON string", TOPIC, "\"temperature\"", RejectReason.NOT_AN_OBJECT, null),
        rej("JSON null", TOPIC, "null", RejectReason.NOT_AN_OBJECT, null),
        rej("duplicate field", TOPIC, "{\"ts\": " + NOW + ", \"t\": 1, \"t\": 2}", RejectReason.DUPLICATE_FIELD, null),
        rej("ts and timestamp both", TOPIC, "{\"ts\": " + NOW + ", \"timestamp\": " + NOW + ", \"t\": 1}", RejectReason.DUPLICATE_FIELD, null),
        rej("topic outside layout, no device field", "sensors/x", "{\"ts\": " + NOW + ", \"t\": 1}", RejectReason.MISSING_DEVICE_ID, "deviceId"),
        rej("invalid device id in topic", "devices/bad id!/telemetry", "{\"ts\": " + NOW + ", \"t\": 1}", RejectReason.INVALID_DEVICE_ID, "topic"),
        rej("device field not a string", "sensors/x", "{\"deviceId\": 7, \"ts\": " + NOW + ", \"t\": 1}", RejectReason.INVALID_DEVICE_ID, "deviceId"),
        rej("device id conflict", TOPIC, "{\"deviceId\": \"dev-2\", \"ts\": " + NOW + ", \"t\": 1}", RejectReason.DEVICE_ID_CONFLICT, "deviceId"),
        rej("missing ts", TOPIC, "{\"t\": 1}", RejectReason.MISSING_TIMESTAMP, "ts"),
        rej("ts is boolean", TOPIC, "{\"ts\": true, \"t\": 1}", RejectReason.INVALID_TIMESTAMP, "ts"),
        rej("ts is fractional", TOPIC, "{\"ts\": 1795000000000.5, \"t\": 1}", RejectReason.INVALID_TIMESTAMP, "ts"),
        rej("ts numeric string", TOPIC, "{\"ts\": \"1795000000000\", \"t\": 1}", RejectReason.INVALID_TIMESTAMP, "ts"),
        rej("ts ISO without zone", TOPIC, "{\"ts\": \"2026-11-19T10:00:00\", \"t\": 1}", RejectReason.INVALID_TIMESTAMP, "ts"),
        rej("ts garbage string", TOPIC, "{\"ts\": \"yesterday\", \"t\": 1}", RejectReason.INVALID_TIMESTAMP, "ts"),
        rej("ts too large for long", TOPIC, "{\"ts\": 99999999999999999999999, \"t\": 1}", RejectReason.INVALID_TIMESTAMP, "ts"),
        rej("ts at epoch zero", TOPIC, "{\"ts\": 0, \"t\": 1}", RejectReason.TIMESTAMP_OUT_OF_RANGE, "ts"),
        rej("ts in epoch seconds", TOPIC, "{\"ts\": 1795000000, \"t\": 1}", RejectReason.TIMESTAMP_OUT_OF_RANGE, "ts"),
        rej("ts year 2999", TOPIC, "{\"ts\": \"2999-01-01T00:00:00Z\", \"t\": 1}", RejectReason.TIMESTAMP_OUT_OF_RANGE, "ts"),
        rej("ts negative", TOPIC, "{\"ts\": -5, \"t\": 1}", RejectReason.TIMESTAMP_OUT_OF_RANGE, "ts"),
        rej("seq negative", TOPIC, "{\"ts\": " + NOW + ", \"seq\": -1, \"t\": 1}", RejectReason.INVALID_MESSAGE_ID, "seq"),
        rej("seq not integer", TOPIC, "{\"ts\": " + NOW + ", \"seq\": \"abc\", \"t\": 1}", RejectReason.INVALID_MESSAGE_ID, "seq"),
        rej("msgId empty", TOPIC, "{\"ts\": " + NOW + ", \"msgId\": \"\", \"t\": 1}", RejectReason.INVALID_MESSAGE_ID, "msgId"),
        rej("msgId and seq both", TOPIC, "{\"ts\": " + NOW + ", \"msgId\": \"a\", \"seq\": 1, \"t\": 1}", RejectReason.INVALID_MESSAGE_ID, "seq"),
        rej("no metrics", TOPIC, "{\"ts\": " + NOW + ", \"msgId\": \"a\"}", RejectReason.NO_METRICS, null),
        rej("empty nested metrics", TOPIC, "{\"ts\": " + NOW + ", \"metrics\": {}}", RejectReason.NO_METRICS, "metrics"),
        rej("metrics not an object", TOPIC, "{\"ts\": " + NOW + ", \"metrics\": [1,2]}", RejectReason.NON_NUMERIC_METRIC, "metrics"),
        rej("metric is string", TOPIC, "{\"ts\": " + NOW + ", \"temperature\": \"warm\"}", RejectReason.NON_NUMERIC_METRIC, "temperature"),
        rej("metric is numeric string", TOPIC, "{\"ts\": " + NOW + ", \"temperature\": \"21.5\"}", RejectReason.NON_NUMERIC_METRIC, "temperature"),
        rej("metric is boolean", TOPIC, "{\"ts\": " + NOW + ", \"door\": true}", RejectReason.NON_NUMERIC_METRIC, "door"),
        rej("metric is object", TOPIC, "{\"ts\": " + NOW + ", \"pos\": {\"x\": 1}}", RejectReason.NON_NUMERIC_METRIC, "pos"),
        rej("nested metric is array", TOPIC, "{\"ts\": " + NOW + ", \"metrics\": {\"t\": [1]}}", RejectReason.NON_NUMERIC_METRIC, "metrics.t"),
        rej("metric is null", TOPIC, "{\"ts\": " + NOW + ", \"t\": null}", RejectReason.MISSING_METRIC_VALUE, "t"),
        rej("metric NaN literal", TOPIC, "{\"ts\": " + NOW + ", \"t\": NaN}", RejectReason.NON_FINITE_METRIC, "t"),
        rej("metric NaN string", TOPIC, "{\"ts\": " + NOW + ", \"t\": \"NaN\"}", RejectReason.NON_FINITE_METRIC, "t"),
        rej("metric Infinity literal", TOPIC, "{\"ts\": " + NOW + ", \"t\": -Infinity}", RejectReason.NON_FINITE_METRIC, "t"),
        rej("metric overflows double", TOPIC, "{\"ts\": " + NOW + ", \"metrics\": {\"t\": 1e400}}", RejectReason.NON_FINITE_METRIC, "metrics.t"),
        rej("metric name with space", TOPIC, "{\"ts\": " + NOW + ", \"bad name\": 1}", RejectReason.INVALID_METRIC_NAME, "bad name"),
        rej("metric name empty", TOPIC, "{\"ts\": " + NOW + ", \"metrics\": {\"\": 1}}", RejectReason.INVALID_METRIC_NAME, "metrics."),
        rej("one bad metric among good ones", TOPIC, "{\"ts\": " + NOW + ", \"a\": 1, \"b\": \"x\"}", RejectReason.NON_NUMERIC_METRIC, "b"));
  }

  private static Arguments rej(String name, String topic, String payload, RejectReason reason, String field) {
    return Arguments.of(name, topic, payload.getBytes(StandardCharsets.UTF_8), reason, field);
  }

  @ParameterizedTest(name = "{0} -> {3}")
  @MethodSource("malformed")
  void rejectsWithTypedReason(String name, String topic, byte[] payload, RejectReason reason, String field) {
    ParseResult result = PARSER.parse(topic, payload, NOW);
    assertThat(result.isAccepted()).as(name).isFalse();
    assertThat(result.measurements()).isEmpty();
    Rejection rejection = result.rejection().orElseThrow();
    assertThat(rejection.reason()).as(name + ": " + rejection.message()).isEqualTo(reason);
    assertThat(rejection.field()).as(name).isEqualTo(field);
    assertThat(rejection.message()).as("message is human and actionable").hasSizeGreaterThan(25).contains(".");
  }

  @ParameterizedTest(name = "invalid UTF-8 #{index}")
  @MethodSource("badUtf8")
  void rejectsInvalidUtf8(byte[] payload) {
    ParseResult result = PARSER.parse(TOPIC, payload, NOW);
    assertThat(result.rejection().orElseThrow().reason()).isEqualTo(RejectReason.INVALID_ENCODING);
  }

  static Stream<byte[]> badUtf8() {
    return Stream.of(new byte[] {'{', (byte) 0xC3, '}'}, new byte[] {(byte) 0xFF, (byte) 0xFE, '{', '}'});
  }

  @ParameterizedTest(name = "too deep nesting")
  @MethodSource("deep")
  void rejectsPathologicalNesting(String payload) {
    ParseResult result = PARSER.parse(TOPIC, payload.getBytes(StandardCharsets.UTF_8), NOW);
    assertThat(result.rejection().orElseThrow().reason()).isIn(RejectReason.NOT_JSON, RejectReason.NON_NUMERIC_METRIC);
  }

  static Stream<String> deep() {
    return Stream.of("{\"ts\":" + NOW + ",\"a\":" + "[".repeat(100) + "]".repeat(100) + "}");
  }
}
