package io.vigil.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.schemas.AnomalyEvent;
import io.vigil.schemas.AnomalyEventJson;
import io.vigil.schemas.AnomalyKind;
import io.vigil.schemas.AnomalySource;
import io.vigil.schemas.Severity;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AnomalyLinesTest {
  private static final Instant START = Instant.parse("2026-11-22T10:00:00.250Z");

  @Test
  void readableLineHasTimeKindSeverityDeviceMetricNumbersAndDetail() {
    AnomalyEvent e = AnomalyEvent.builder(AnomalyKind.FORECAST_DEVIATION, AnomalySource.BATCH, "pump-07", "temperature", START)
        .severity(Severity.CRITICAL).detectedAt(START.plusSeconds(60)).value(31.0).expected(21.456).score(0.93)
        .message("temperature 31 is far above its forecast 21.46").build();
    assertThat(AnomalyLines.readable(e)).isEqualTo(
        "2026-11-22T10:00:00Z  FORECAST_DEVIATION  CRITICAL  pump-07       temperature   "
            + "value=31 expected=21.46 score=0.93  temperature 31 is far above its forecast 21.46");
  }

  @Test
  void absentMetricAndNumbersShowAsDashAndEndIsShown() {
    AnomalyEvent e = AnomalyEvent.builder(AnomalyKind.INACTIVE, AnomalySource.STREAM, "dev-1", null, START)
        .detectedAt(START).end(Instant.parse("2026-11-22T11:00:00Z")).message("dev-1 is inactive").build();
    assertThat(AnomalyLines.readable(e))
        .startsWith("2026-11-22T10:00:00Z  INACTIVE            WARNING   dev-1         -             until=2026-11-22T11:00:00Z")
        .endsWith("dev-1 is inactive");
    AnomalyEvent bare = AnomalyEvent.builder(AnomalyKind.GAP, AnomalySource.STREAM, "dev-1", null, START)
        .detectedAt(START).message("x").build();
    assertThat(AnomalyLines.readable(bare)).contains("  -  ").endsWith("  x");
  }

  @Test
  void longOrMultiLineDetailStaysOnOneShortLine() {
    AnomalyEvent e = AnomalyEvent.builder(AnomalyKind.GAP, AnomalySource.STREAM, "dev-1", null, START)
        .detectedAt(START).message("first line\nsecond " + "x".repeat(300)).build();
    String line = AnomalyLines.readable(e);
    assertThat(line).doesNotContain("\n").contains("first line second x").endsWith("...");
    assertThat(line.length()).isLessThan(250);
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({"31.0, 31", "21.456, 21.46", "-3.5, -3.5", "0.93, 0.93", "0.000123456, 0.000123", "0.0, 0", "1234567.891, 1234567.89"})
  void numbersAreCompact(double v, String shown) {
    assertThat(AnomalyLines.number(v)).isEqualTo(shown);
  }

  @Test
  void jsonKeepsEveryFieldOnOneLineAndRoundTrips() {
    AnomalyEvent e = AnomalyEvent.builder(AnomalyKind.GAP, AnomalySource.STREAM, "dev-1", "temp", START)
        .detectedAt(START.plusSeconds(31)).value(31.0).expected(10.0).message("gap").attribute("k", "v").build();
    // A producer that pretty-prints, and a field this reader does not know yet.
    String pretty = AnomalyEventJson.toJson(e).replaceFirst("\\{", "{\"futureField\": 1,").replace(",", ",\n  ");
    String line = AnomalyLines.json(pretty.getBytes(StandardCharsets.UTF_8));
    assertThat(line).doesNotContain("\n").contains("\"futureField\":1");
    assertThat(AnomalyEventJson.fromJson(line)).isEqualTo(e);
  }

  @Test
  void jsonRefusesWhatIsNotJson() {
    assertThatThrownBy(() -> AnomalyLines.json("{not json".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void malformedWarningNamesTopicPartitionAndOffset() {
    assertThat(AnomalyLines.malformed("vigil.anomalies", 2, 17, "not an anomaly event: eventId"))
        .isEqualTo("WARN skipped malformed anomaly event at vigil.anomalies-2@17: not an anomaly event: eventId");
  }
}
