package io.vigil.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every fixture under {@code payloads/<family>/} (written from each family's public documentation,
 * sources in payloads/README.md) through the shared parser with its preset and mapping lines:
 * exact device, event time and its source, metric names and values, attributes, device status;
 * or the exact refusal.
 */
class PayloadFixtureTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  static Stream<Path> fixtures() throws IOException, URISyntaxException {
    Path root = Path.of(PayloadFixtureTest.class.getResource("/payloads").toURI());
    // Sparkplug B's protobuf corpus has its own description format and test (SparkplugParserTest).
    return Files.walk(root).filter(p -> p.toString().endsWith(".json") && !p.startsWith(root.resolve("sparkplug-b"))).sorted()
        .map(p -> root.relativize(p)).toList().stream();
  }

  @Test
  void everyFamilyHasAtLeastThreeAcceptedVariants() throws Exception {
    Map<String, Integer> accepted = new LinkedHashMap<>();
    for (Path p : fixtures().toList()) {
      JsonNode f = load(p);
      if (f.has("expect") && !f.get("expect").has("status")) {
        accepted.merge(p.getParent().toString(), 1, Integer::sum);
      }
    }
    assertThat(accepted.keySet()).contains("zigbee2mqtt", "tasmota", "shelly-gen2", "esphome", "homeassistant-statestream",
        "owntracks", "ttn-v3", "issue-table");
    assertThat(accepted.values()).allSatisfy(n -> assertThat(n).isGreaterThanOrEqualTo(3));
  }

  /** Device names repeat across OwnTracks users (everyone has a "phone"): the user is part of the id. */
  @ParameterizedTest(name = "preset={0}")
  @org.junit.jupiter.params.provider.ValueSource(strings = {"owntracks", "auto"})
  void ownTracksDevicesOfOneNameUnderTwoUsersAreTwoDevices(String preset) throws Exception {
    TelemetryParser parser = new TelemetryParser(PayloadMappingConfig.apply(ParserOptions.defaults(), Map.of("preset", preset)));
    Map<String, String> devices = new LinkedHashMap<>();
    for (String name : new String[] {"owntracks/location-android.json", "owntracks/location-same-device-name-other-user.json"}) {
      JsonNode f = load(Path.of(name));
      ParseResult r = parser.parse(f.get("topic").asText(), JSON.writeValueAsBytes(f.get("payload")),
          Instant.parse(f.get("arrival").asText()).toEpochMilli());
      devices.put(f.get("topic").asText(), r.deviceId().orElseThrow());
    }
    assertThat(devices).containsExactly(Map.entry("owntracks/alice/phone", "alice:phone"), Map.entry("owntracks/bob/phone", "bob:phone"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("fixtures")
  void parsesAsDocumented(Path fixture) throws Exception {
    JsonNode f = load(fixture);
    ParserOptions options = ParserOptions.defaults();
    Map<String, String> settings = new LinkedHashMap<>();
    if (f.has("preset")) {
      settings.put("preset", f.get("preset").asText());
    }
    if (f.has("config")) {
      f.get("config").fields().forEachRemaining(e -> settings.put(e.getKey(), e.getValue().asText()));
    }
    options = PayloadMappingConfig.apply(options, settings);
    byte[] payload = f.has("payloadText") ? f.get("payloadText").asText().getBytes(StandardCharsets.UTF_8)
        : JSON.writeValueAsBytes(f.get("payload"));
    long arrival = Instant.parse(f.get("arrival").asText()).toEpochMilli();
    TelemetryParser parser = new TelemetryParser(options);

    ParseResult result = parser.parse(f.get("topic").asText(), payload, arrival);
    ParseResult onTree = parser.parse(f.get("topic").asText(), payload, arrival, false);

    assertThat(onTree.toString()).isEqualTo(result.toString());
    String dialect = f.has("dialect") ? f.get("dialect").asText() : f.has("preset") ? f.get("preset").asText() : "vigil";
    assertThat(result.dialect()).isEqualTo(dialect);
    if (f.has("reject")) {
      assertThat(result.isAccepted()).as("refused: %s", result).isFalse();
      Rejection r = result.rejection().orElseThrow();
      assertThat(r.reason().name()).isEqualTo(f.get("reject").get("reason").asText());
      JsonNode field = f.get("reject").get("field");
      assertThat(r.field()).isEqualTo(field == null || field.isNull() ? null : field.asText());
      assertThat(r.message()).isNotBlank();
      return;
    }
    JsonNode e = f.get("expect");
    assertThat(result.isAccepted()).as("accepted: %s", result).isTrue();
    assertThat(result.deviceId()).contains(e.get("device").asText());
    assertThat(result.fieldRejections()).isEmpty();
    if (e.has("status")) {
      assertThat(result.deviceStatus()).isPresent();
      assertThat(result.deviceStatus().get().state().name()).isEqualTo(e.get("status").asText());
      assertThat(result.deviceStatus().get().atMillis()).isEqualTo(arrival);
      assertThat(result.measurements()).isEmpty();
      assertThat(result.attributes()).isEmpty();
      return;
    }
    assertThat(result.deviceStatus()).isEmpty();
    long time = Instant.parse(e.get("eventTime").asText()).toEpochMilli();
    assertThat(result.timeSource().name()).isEqualTo(e.get("timeSource").asText());

    Map<String, Double> expectedMetrics = new LinkedHashMap<>();
    e.get("metrics").fields().forEachRemaining(m -> expectedMetrics.put(m.getKey(), m.getValue().asDouble()));
    Map<String, Double> metrics = new LinkedHashMap<>();
    for (Measurement m : result.measurements()) {
      assertThat(m.deviceId()).isEqualTo(e.get("device").asText());
      assertThat(m.eventTimeMillis()).as("event time of %s", m.metric()).isEqualTo(time);
      assertThat(metrics.put(m.metric(), m.value())).as("metric %s once", m.metric()).isNull();
    }
    assertThat(metrics).containsExactlyInAnyOrderEntriesOf(expectedMetrics);

    Map<String, String> expectedAttributes = new LinkedHashMap<>();
    e.get("attributes").fields().forEachRemaining(a -> expectedAttributes.put(a.getKey(), a.getValue().asText()));
    Map<String, String> attributes = new LinkedHashMap<>();
    for (Attribute a : result.attributes()) {
      assertThat(a.eventTimeMillis()).isEqualTo(time);
      attributes.put(a.name(), a.value());
    }
    assertThat(attributes).containsExactlyInAnyOrderEntriesOf(expectedAttributes);
  }

  private static JsonNode load(Path relative) throws IOException, URISyntaxException {
    Path root = Path.of(PayloadFixtureTest.class.getResource("/payloads").toURI());
    return JSON.readTree(root.resolve(relative).toFile());
  }
}
