package io.vigil.schemas;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The Sparkplug B corpus (payloads/sparkplug-b) through the shared parser, case by case as cases.json says. */
class SparkplugParserTest {
  static final String DIR = "/payloads/sparkplug-b/";
  static final TelemetryParser PARSER = new TelemetryParser(ParserOptions.defaults().withPreset(SparkplugB.PRESET));
  static final ObjectMapper JSON = new ObjectMapper();

  static Stream<Arguments> cases() throws IOException {
    JsonNode root;
    try (InputStream in = SparkplugParserTest.class.getResourceAsStream(DIR + "cases.json")) {
      root = JSON.readTree(in);
    }
    List<Arguments> out = new ArrayList<>();
    for (JsonNode c : root.get("cases")) {
      out.add(Arguments.of(c.get("name").asText(), c));
    }
    return out.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void parsesAsTheCaseSays(String name, JsonNode c) throws IOException {
    byte[] payload = c.has("file") ? resource(c.get("file").asText()) : c.get("text").asText().getBytes(StandardCharsets.UTF_8);
    Map<String, String> headers = new HashMap<>();
    if (c.has("headers")) {
      c.get("headers").fields().forEachRemaining(e -> headers.put(e.getKey(), e.getValue().asText()));
    }
    ParseResult r = PARSER.parse(c.get("topic").asText(), payload, SparkplugCorpus.ARRIVAL, headers);
    JsonNode e = c.get("expect");

    assertThat(r.isAccepted()).as("accepted: %s", r).isEqualTo(e.get("accepted").asBoolean());
    assertThat(r.deviceId().orElse(null)).isEqualTo(e.get("device").isNull() ? null : e.get("device").asText());
    if (!r.isAccepted()) {
      Rejection rej = r.rejection().orElseThrow();
      assertThat(rej.reason().name()).isEqualTo(e.get("reason").asText());
      assertThat(rej.field()).isEqualTo(e.get("field").isNull() ? null : e.get("field").asText());
      for (JsonNode part : e.get("messageContains")) {
        assertThat(rej.message()).contains(part.asText());
      }
      return;
    }
    assertThat(r.timeSource().name()).isEqualTo(e.get("timeSource").asText());
    assertThat(r.measurements()).hasSize(e.get("measurements").size());
    for (int i = 0; i < r.measurements().size(); i++) {
      Measurement m = r.measurements().get(i);
      JsonNode x = e.get("measurements").get(i);
      assertThat(m.deviceId()).isEqualTo(r.deviceId().orElseThrow());
      assertThat(m.metric()).isEqualTo(x.get("metric").asText());
      assertThat(m.eventTimeMillis()).as(m.metric()).isEqualTo(x.get("time").asLong());
      assertThat(m.value()).as(m.metric()).isCloseTo(x.get("value").asDouble(), within(1e-9 * Math.max(1, Math.abs(m.value()))));
    }
    List<Attribute> expectedAttributes = new ArrayList<>();
    for (JsonNode x : e.get("attributes")) {
      expectedAttributes.add(new Attribute(x.get("name").asText(), x.get("value").asText(), x.get("time").asLong()));
    }
    assertThat(r.attributes()).containsExactlyElementsOf(expectedAttributes);
    List<String> expectedFieldRejections = new ArrayList<>();
    for (JsonNode x : e.get("fieldRejections")) {
      expectedFieldRejections.add(x.get("reason").asText() + "@" + x.get("field").asText());
    }
    assertThat(r.fieldRejections()).extracting(f -> f.reason().name() + "@" + f.field()).containsExactlyElementsOf(expectedFieldRejections);
    if (e.has("status")) {
      JsonNode s = e.get("status");
      assertThat(r.deviceStatus()).contains(new DeviceStatus(DeviceStatus.State.valueOf(s.get("state").asText()),
          s.get("at").asLong(), s.get("detail").asText()));
    } else {
      assertThat(r.deviceStatus()).isEmpty();
    }
  }

  @Test
  void committedCorpusIsWhatTheGeneratorBuildsWithTheRealClasses() throws IOException {
    for (Map.Entry<String, byte[]> f : SparkplugCorpus.build().entrySet()) {
      assertThat(resource(f.getKey())).as(f.getKey() + ": regenerate with SparkplugCorpus.main").isEqualTo(f.getValue());
    }
  }

  @Test
  void everyCorpusFileHasACase() throws IOException {
    String cases = new String(resource("cases.json"), StandardCharsets.UTF_8);
    for (String file : SparkplugCorpus.build().keySet()) {
      assertThat(cases).as(file).contains("\"" + file + "\"");
    }
  }

  @Test
  void theJsonParserIsUntouchedByTheHook() {
    TelemetryParser json = new TelemetryParser(ParserOptions.defaults());
    ParseResult r = json.parse("devices/d1/telemetry", "{\"ts\": 1795000000000, \"t\": 1}".getBytes(StandardCharsets.UTF_8),
        SparkplugCorpus.ARRIVAL, Map.of());
    assertThat(r.isAccepted()).isTrue();
    assertThat(r.timeSource()).isEqualTo(TimeSource.PAYLOAD);
    assertThat(r.attributes()).isEmpty();
    assertThat(r.deviceStatus()).isEmpty();
  }

  static byte[] resource(String name) throws IOException {
    try (InputStream in = SparkplugParserTest.class.getResourceAsStream(DIR + name)) {
      assertThat(in).as(name).isNotNull();
      return in.readAllBytes();
    }
  }

  @org.junit.jupiter.api.Test
  void autoPresetReadsSparkplugTopicsWithTheDecoder() throws IOException {
    TelemetryParser auto = new TelemetryParser(ParserOptions.defaults().withPreset("auto"));
    byte[] nbirth = resource("nbirth.pb");

    ParseResult viaAuto = auto.parse("spBv1.0/Plant1/NBIRTH/Edge-01", nbirth, SparkplugCorpus.ARRIVAL);

    assertThat(viaAuto.dialect()).isEqualTo(SparkplugB.PRESET);
    assertThat(viaAuto.toString()).isEqualTo(PARSER.parse("spBv1.0/Plant1/NBIRTH/Edge-01", nbirth, SparkplugCorpus.ARRIVAL).toString());
    assertThat(viaAuto.measurements()).isNotEmpty();
  }
}
