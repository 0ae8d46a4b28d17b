package io.vigil.bridge.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class PrometheusTextTest {
  @Test
  void familyHasHelpThenTypeThenSamples() {
    String text = new PrometheusText().family("a_total", "counter", "Things done.").sample("a_total", 3).toString();
    assertThat(text).isEqualTo("# HELP a_total Things done.\n# TYPE a_total counter\na_total 3\n");
  }

  @Test
  void labelValuesAreEscapedAndInOrder() {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("reason", "BAD \"json\"\\x\nnext");
    labels.put("b", "2");
    String text = new PrometheusText().sample("m", labels, 1).toString();
    assertThat(text).isEqualTo("m{reason=\"BAD \\\"json\\\"\\\\x\\nnext\",b=\"2\"} 1\n");
  }

  @Test
  void helpEscapesBackslashAndNewline() {
    assertThat(new PrometheusText().family("m", "gauge", "a\\b\nc").toString()).startsWith("# HELP m a\\\\b\\nc\n");
  }

  @ParameterizedTest
  @CsvSource({"0,0", "5,5", "0.25,0.25", "1e20,1.0E20", "NaN,NaN", "Infinity,+Inf", "-Infinity,-Inf"})
  void valuesAreFormattedAsPrometheusParsesThem(double value, String expected) {
    assertThat(PrometheusText.format(value)).isEqualTo(expected);
  }

  @Test
  void histogramBucketsAreCumulativeAndEndWithInf() {
    LatencyHistogram h = new LatencyHistogram();
    h.observeMillis(3);     // le 0.005
    h.observeMillis(40);    // le 0.05
    h.observeMillis(40);
    h.observeMillis(900_000); // beyond the last bound: only +Inf
    String text = new PrometheusText().histogram("lat_seconds", "Latency.", h).toString();
    assertThat(text).contains("# TYPE lat_seconds histogram\n")
        .contains("lat_seconds_bucket{le=\"0.0025\"} 0\n")
        .contains("lat_seconds_bucket{le=\"0.005\"} 1\n")
        .contains("lat_seconds_bucket{le=\"0.05\"} 3\n")
        .contains("lat_seconds_bucket{le=\"300\"} 3\n")
        .contains("lat_seconds_bucket{le=\"+Inf\"} 4\n")
        .contains("lat_seconds_count 4\n")
        .contains("lat_seconds_sum 900.083\n");
  }

  @Test
  void recentQuantilesAreExactOverTheWindow() {
    LatencyHistogram h = new LatencyHistogram();
    assertThat(h.recentQuantileSeconds(0.5)).isNaN();
    for (int i = 1; i <= 100; i++) {
      h.observeMillis(i);
    }
    assertThat(h.recentQuantileSeconds(0.5)).isEqualTo(0.050);
    assertThat(h.recentQuantileSeconds(0.99)).isEqualTo(0.099);
    for (int i = 0; i < 4096; i++) {
      h.observeMillis(7); // the window forgets the old ones
    }
    assertThat(h.recentQuantileSeconds(0.99)).isEqualTo(0.007);
  }
}
