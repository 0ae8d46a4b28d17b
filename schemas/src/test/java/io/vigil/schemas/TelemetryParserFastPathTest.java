package io.vigil.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The parser reads a clean message with a streaming fast path and judges everything else on the
 * JSON tree. The two must agree on every message: the same verdict, device, measurements, field
 * refusals and reason. Checked on hand-picked edge cases and on many generated payloads, under
 * every option that changes what is accepted.
 */
class TelemetryParserFastPathTest {
  static final long NOW = TelemetryParserRejectionTest.NOW;
  static final String TOPIC = "devices/dev-1/telemetry";

  static Stream<Arguments> optionSets() {
    ParserOptions d = ParserOptions.defaults();
    return Stream.of(
        Arguments.of("defaults (strict)", d),
        Arguments.of("lenient", d.withStrict(false)),
        Arguments.of("device from payload", d.withDeviceIdSource(ParserOptions.DeviceIdSource.PAYLOAD)),
        Arguments.of("device from topic", d.withDeviceIdSource(ParserOptions.DeviceIdSource.TOPIC)),
        Arguments.of("ignored fields", d.withIgnoredFields(Set.of("fw", "metrics2"))),
        Arguments.of("no device field", d.withDeviceIdField(null)),
        Arguments.of("device field is ts", d.withDeviceIdField("ts")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("optionSets")
  void fastPathAgreesWithTheTreeOnEdgeCases(String name, ParserOptions options) {
    TelemetryParser parser = new TelemetryParser(options);
    List<String> cases = List.of(
        "{\"ts\":" + NOW + ",\"t\":21.5}",
        "{\"ts\":" + NOW + ",\"t\":21}",
        "{\"ts\":" + NOW + ",\"t\":-0.0,\"h\":1e3}",
        "{\"ts\":\"2026-11-19T10:00:00Z\",\"t\":1}",
        "{\"timestamp\":" + NOW + ",\"t\":1}",
        "{\"ts\":" + NOW + ",\"timestamp\":" + NOW + ",\"t\":1}",
        "{\"ts\":" + NOW + ".0,\"t\":1}",
        "{\"ts\":" + NOW + ".5,\"t\":1}",
        "{\"ts\":null,\"t\":1}",
        "{\"ts\":\"" + NOW + "\",\"t\":1}",
        "{\"ts\":" + (NOW / 1000) + ",\"t\":1}",
        "{\"ts\":99999999999999999999999,\"t\":1}",
        "{\"t\":1}",
        "{\"ts\":" + NOW + "}",
        "{\"ts\":" + NOW + ",\"metrics\":{}}",
        "{\"ts\":" + NOW + ",\"metrics\":{\"a\":1,\"b\":2.5}}",
        "{\"metrics\":{\"a\":1},\"ts\":" + NOW + ",\"junk\":\"x\",\"obj\":{\"y\":[1]}}",
        "{\"ts\":" + NOW + ",\"metrics\":{\"a\":1,\"a\":2}}",
        "{\"ts\":" + NOW + ",\"metrics\":{\"a\":\"1\"}}",
        "{\"ts\":" + NOW + ",\"metrics\":{\"a\":NaN}}",
        "{\"ts\":" + NOW + ",\"metrics\":{\"1a\":1}}",
        "{\"ts\":" + NOW + ",\"metrics\":[1]}",
        "{\"ts\":" + NOW + ",\"metrics\":null}",
        "{\"ts\":" + NOW + ",\"metrics\":{\"a\":1},\"metrics\":{\"b\":1}}",
        "{\"ts\":" + NOW + ",\"t\":1,\"t\":2}",
        "{\"ts\":" + NOW + ",\"t\":NaN}",
        "{\"ts\":" + NOW + ",\"t\":Infinity}",
        "{\"ts\":" + NOW + ",\"t\":1e999}",
        "{\"ts\":" + NOW + ",\"t\":\"nan\"}",
        "{\"ts\":" + NOW + ",\"t\":true,\"u\":2}",
        "{\"ts\":" + NOW + ",\"t\":null,\"u\":2}",
        "{\"ts\":" + NOW + ",\"t\":[1],\"u\":2}",
        "{\"ts\":" + NOW + ",\"t\":{\"x\":1},\"u\":2}",
        "{\"ts\":" + NOW + ",\"bad name\":1,\"u\":2}",
        "{\"ts\":" + NOW + ",\"t\":123456789012345678901234567890}",
        "{\"ts\":" + NOW + ",\"t\":9223372036854775807}",
        "{\"ts\":" + NOW + ",\"fw\":\"1.2\",\"metrics2\":[1],\"t\":1}",
        "{\"ts\":" + NOW + ",\"seq\":7,\"t\":1}",
        "{\"ts\":" + NOW + ",\"seq\":-7,\"t\":1}",
        "{\"ts\":" + NOW + ",\"seq\":7.5,\"t\":1}",
        "{\"ts\":" + NOW + ",\"seq\":null,\"msgId\":\"m\",\"t\":1}",
        "{\"ts\":" + NOW + ",\"seq\":1,\"msgId\":\"m\",\"t\":1}",
        "{\"ts\":" + NOW + ",\"msgId\":\"\",\"t\":1}",
        "{\"ts\":" + NOW + ",\"messageId\":\"" + "x".repeat(257) + "\",\"t\":1}",
        "{\"ts\":" + NOW + ",\"messageId\":3,\"t\":1}",
        "{\"ts\":" + NOW + ",\"deviceId\":\"dev-1\",\"t\":1}",
        "{\"ts\":" + NOW + ",\"deviceId\":\"dev-2\",\"t\":1}",
        "{\"ts\":" + NOW + ",\"deviceId\":\"bad id!\",\"t\":1}",
        "{\"ts\":" + NOW + ",\"deviceId\":5,\"t\":1}",
        "{\"ts\":" + NOW + ",\"deviceId\":null,\"t\":1}",
        "{\"ts\":" + NOW + ",\"t\":1} ",
        "{\"ts\":" + NOW + ",\"t\":1} {}",
        "{\"ts\":" + NOW + ",\"t\":1}x",
        "{\"ts\":" + NOW + ",\"t\":1",
        "[1,2]",
        "42",
        "  ",
        "{\"ts\":" + NOW + ",\"deep\":" + "[".repeat(40) + "]".repeat(40) + ",\"t\":1}",
        "{\"ts\":" + NOW + manyMetrics(40) + "}",
        "{\"ts\":" + NOW + manyMetrics(20) + ",\"m3\":1}",
        "{\"ts\":" + NOW + manyMetrics(15) + ",\"m3\":1}",
        "{\"ts\":" + NOW + ",\"metrics\":{\"x\":1" + manyMetrics(30) + ",\"m29\":2}}",
        "{\"ts\":" + NOW + ",\"metrics\":{\"x\":1" + manyMetrics(30) + "}}");
    for (String json : cases) {
      for (String topic : new String[] {TOPIC, "other/dev-1/x", null}) {
        assertSameVerdict(parser, topic, json);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("optionSets")
  void fastPathAgreesWithTheTreeOnGeneratedPayloads(String name, ParserOptions options) {
    TelemetryParser parser = new TelemetryParser(options);
    Random random = new Random(name.hashCode());
    int accepted = 0;
    int fast = 0;
    for (int i = 0; i < 3000; i++) {
      String topic = random.nextInt(8) == 0 ? null : TOPIC;
      String json = generated(random);
      accepted += assertSameVerdict(parser, topic, json) ? 1 : 0;
      fast += topic != null && parser.acceptedFast("dev-1", json.getBytes(StandardCharsets.UTF_8), NOW) != null ? 1 : 0;
    }
    // Both verdicts must occur often, or the comparison proves little; and the fast path must be taken.
    assertThat(accepted).isBetween(50, 2950);
    if (options.deviceIdField() != null && options.deviceIdField().equals("ts")) {
      assertThat(fast).as("a device id field that is also the timestamp is left to the tree").isZero();
    } else {
      assertThat(fast).isGreaterThan(20);
    }
  }

  @Test
  void cleanMessagesTakeTheFastPathAndStillCarryEveryMeasurement() {
    TelemetryParser parser = new TelemetryParser(ParserOptions.defaults());
    String json = "{\"ts\":" + NOW + ",\"seq\":3,\"t\":21.5,\"h\":40,\"p\":1013.25}";
    ParseResult r = parser.parse(TOPIC, json.getBytes(StandardCharsets.UTF_8), NOW);
    assertThat(parser.acceptedFast("dev-1", json.getBytes(StandardCharsets.UTF_8), NOW)).isNotNull();
    assertThat(r.measurements()).containsExactly(
        new Measurement("dev-1", "t", NOW, 21.5, "3"),
        new Measurement("dev-1", "h", NOW, 40.0, "3"),
        new Measurement("dev-1", "p", NOW, 1013.25, "3"));
  }

  /** Returns whether the message was accepted. */
  private static boolean assertSameVerdict(TelemetryParser parser, String topic, String json) {
    byte[] payload = json.getBytes(StandardCharsets.UTF_8);
    ParseResult fast = parser.parse(topic, payload, NOW, true);
    ParseResult tree = parser.parse(topic, payload, NOW, false);
    String what = "topic " + topic + ", payload " + json;
    assertThat(fast.isAccepted()).as(what).isEqualTo(tree.isAccepted());
    assertThat(fast.deviceId()).as(what).isEqualTo(tree.deviceId());
    assertThat(fast.measurements()).as(what).isEqualTo(tree.measurements());
    assertThat(fast.fieldRejections()).as(what).isEqualTo(tree.fieldRejections());
    assertThat(fast.rejection()).as(what).isEqualTo(tree.rejection());
    return tree.isAccepted();
  }

  /** Mostly plausible telemetry with a sprinkling of every kind of mistake. */
  private static String generated(Random r) {
    List<String> fields = new ArrayList<>();
    if (r.nextInt(10) > 0) {
      fields.add("\"" + (r.nextInt(6) == 0 ? "timestamp" : "ts") + "\":" + pick(r, String.valueOf(NOW - r.nextInt(100_000)),
          "\"2026-11-19T10:00:00Z\"", String.valueOf(NOW / 1000), "null", NOW + ".0", "\"x\""));
    }
    if (r.nextInt(3) == 0) {
      fields.add(pick(r, "\"seq\":" + r.nextInt(1000), "\"msgId\":\"m" + r.nextInt(99) + "\"", "\"seq\":-1", "\"messageId\":null"));
    }
    if (r.nextInt(3) == 0) {
      fields.add("\"deviceId\":" + pick(r, "\"dev-1\"", "\"dev-1\"", "\"dev-1\"", "\"dev-2\"", "\"bad id\"", "7"));
    }
    if (r.nextInt(8) == 0) {
      fields.add("\"fw\":" + pick(r, "\"1.0\"", "[1]", "{\"a\":1}"));
    }
    StringBuilder metrics = new StringBuilder();
    int n = r.nextInt(6);
    for (int m = 0; m < n; m++) {
      metrics.append(m == 0 ? "" : ",").append('"').append(r.nextInt(20) == 0 ? "bad name" : "m" + r.nextInt(r.nextInt(15) == 0 ? 2 : 50))
          .append("\":").append(r.nextInt(12) == 0
              ? pick(r, "\"1\"", "null", "true", "NaN", "[1]", "{}", "1e999", "123456789012345678901234")
              : r.nextBoolean() ? String.valueOf(r.nextInt(2000) - 1000) : String.valueOf(r.nextDouble() * 1000));
    }
    if (r.nextInt(3) == 0) {
      fields.add("\"metrics\":{" + metrics + "}");
    } else if (metrics.length() > 0) {
      fields.add(metrics.toString());
    }
    java.util.Collections.shuffle(fields, r);
    String json = "{" + String.join(",", fields) + "}";
    return r.nextInt(40) == 0 ? json + pick(r, "x", " {}", "") : r.nextInt(40) == 0 ? json.substring(0, json.length() - 1) : json;
  }

  private static String manyMetrics(int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(",\"m").append(i).append("\":").append(i);
    }
    return sb.toString();
  }

  private static String pick(Random r, String... options) {
    return options[r.nextInt(options.length)];
  }
}
