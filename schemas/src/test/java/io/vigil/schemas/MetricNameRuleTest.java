package io.vigil.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The hand-written metric-name check must keep exactly the documented rule. */
class MetricNameRuleTest {
  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"temperature", "_x", "a", "Z9", "noise.dB", "a:b-c_d.e", "9lives", "-x", ".x", ":x", "",
      "with space", "tab\there", "température", "a/b", "a$b", "a+b", "ünit", "x\u0000"})
  void handCheckAgreesWithTheDocumentedPattern(String name) {
    assertThat(TelemetryParser.isMetricName(name)).isEqualTo(TelemetryParser.METRIC_NAME.matcher(name).matches());
  }

  @Test
  void lengthLimitIs128Characters() {
    assertThat(TelemetryParser.isMetricName("m".repeat(128))).isTrue();
    assertThat(TelemetryParser.isMetricName("m".repeat(129))).isFalse();
    assertThat(TelemetryParser.METRIC_NAME.matcher("m".repeat(129)).matches()).isFalse();
  }

  @Test
  void nonAsciiTextIsStillCheckedAsUtf8() {
    TelemetryParser parser = new TelemetryParser(ParserOptions.defaults());
    byte[] valid = "{\"ts\": 1795000000000, \"t\": 1, \"note_\": 2, \"msgId\": \"caf\u00e9\"}".getBytes(StandardCharsets.UTF_8);
    assertThat(parser.parse("devices/d1/telemetry", valid, 1795000000000L).isAccepted()).isTrue();
    byte[] invalid = valid.clone();
    invalid[invalid.length - 4] = (byte) 0xC3; // a lead byte followed by a quote: not UTF-8
    invalid[invalid.length - 3] = (byte) 0x22;
    assertThat(parser.parse("devices/d1/telemetry", invalid, 1795000000000L).rejection().orElseThrow().reason())
        .isEqualTo(RejectReason.INVALID_ENCODING);
  }
}
