package io.vigil.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SchemaValidatorsConfig;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.time.Instant;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AnomalyEventTest {
  static final Instant T = Instant.parse("2026-11-22T10:00:00Z");

  private static AnomalyEvent gap(Instant detectedAt) {
    return AnomalyEvent.builder(AnomalyKind.GAP, AnomalySource.STREAM, "dev-1", null, T)
        .detectedAt(detectedAt).value(300.0).expected(10.0).message("No data for 300 s").attribute("k", 3).build();
  }

  @Test
  void sameAnomalyDetectedTwiceHasTheSameId() {
    assertThat(gap(T.plusSeconds(30)).eventId()).isEqualTo(gap(T.plusSeconds(95)).eventId());
  }

  @Test
  void differentAnomaliesHaveDifferentIds() {
    String base = AnomalyEvent.idFor(AnomalyKind.GAP, AnomalySource.STREAM, "dev-1", null, T);
    assertThat(AnomalyEvent.idFor(AnomalyKind.GAP_CLOSED, AnomalySource.STREAM, "dev-1", null, T)).isNotEqualTo(base);
    assertThat(AnomalyEvent.idFor(AnomalyKind.GAP, AnomalySource.STREAM, "dev-2", null, T)).isNotEqualTo(base);
    assertThat(AnomalyEvent.idFor(AnomalyKind.GAP, AnomalySource.STREAM, "dev-1", "t", T)).isNotEqualTo(base);
    assertThat(AnomalyEvent.idFor(AnomalyKind.GAP, AnomalySource.STREAM, "dev-1", null, T.plusMillis(1))).isNotEqualTo(base);
    assertThat(AnomalyEvent.idFor(AnomalyKind.GAP, AnomalySource.BATCH, "dev-1", null, T)).isNotEqualTo(base);
  }

  @Test
  void jsonRoundTripsAndValidatesAgainstThePublishedSchema() throws Exception {
    AnomalyEvent full = AnomalyEvent.builder(AnomalyKind.FORECAST_DEVIATION, AnomalySource.BATCH, "dev-1", "temperature", T)
        .end(T.plusSeconds(60)).detectedAt(T.plusSeconds(3600)).value(40.0).expected(21.0).score(0.97)
        .modelVersion("gbt-3").severity(Severity.CRITICAL).message("far from forecast").build();
    for (AnomalyEvent e : new AnomalyEvent[] {gap(T.plusSeconds(30)), full}) {
      String json = AnomalyEventJson.toJson(e);
      assertThat(AnomalyEventJson.fromJson(json)).isEqualTo(e);
      assertThat(validate("anomaly-event.v1.schema.json", json)).isEmpty();
    }
  }

  @Test
  void schemaRejectsAnEventMissingItsId() throws Exception {
    String json = AnomalyEventJson.toJson(gap(T)).replaceFirst("\"eventId\":\"[^\"]+\",", "");
    assertThat(validate("anomaly-event.v1.schema.json", json)).isNotEmpty();
  }

  @Test
  void telemetrySchemaAgreesWithTheParserOnExamples() throws Exception {
    assertThat(validate("telemetry-payload.v1.schema.json", "{\"ts\": 1795000000000, \"msgId\": \"a\", \"t\": 1.5}")).isEmpty();
    assertThat(validate("telemetry-payload.v1.schema.json", "{\"ts\": \"2026-11-19T10:00:00Z\", \"metrics\": {\"t\": 1}}")).isEmpty();
    assertThat(validate("telemetry-payload.v1.schema.json", "{\"ts\": 1795000000000, \"t\": \"warm\"}")).isNotEmpty();
    assertThat(validate("telemetry-payload.v1.schema.json", "{\"t\": 1}")).isNotEmpty();
  }

  static Set<ValidationMessage> validate(String schemaFile, String json) throws Exception {
    JsonSchemaFactory factory = JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012);
    SchemaValidatorsConfig config = SchemaValidatorsConfig.builder().formatAssertionsEnabled(true).build();
    try (InputStream in = AnomalyEventTest.class.getResourceAsStream("/json-schema/" + schemaFile)) {
      JsonSchema schema = factory.getSchema(in, config);
      return schema.validate(new ObjectMapper().readTree(json));
    }
  }
}
