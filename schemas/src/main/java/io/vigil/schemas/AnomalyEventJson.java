package io.vigil.schemas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The wire form of {@link AnomalyEvent}: UTF-8 JSON, field names as in
 * {@code json-schema/anomaly-event.v1.schema.json}, instants as ISO-8601 strings, absent optional
 * fields left out.
 */
public final class AnomalyEventJson {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private AnomalyEventJson() {}

  public static String toJson(AnomalyEvent e) {
    ObjectNode n = MAPPER.createObjectNode();
    n.put("schemaVersion", AnomalyEvent.SCHEMA_VERSION);
    n.put("eventId", e.eventId());
    n.put("kind", e.kind().name());
    n.put("source", e.source().name());
    n.put("severity", e.severity().name());
    n.put("deviceId", e.deviceId());
    if (e.metric() != null) n.put("metric", e.metric());
    n.put("start", e.start().toString());
    if (e.end() != null) n.put("end", e.end().toString());
    n.put("detectedAt", e.detectedAt().toString());
    if (e.value() != null) n.put("value", e.value());
    if (e.expected() != null) n.put("expected", e.expected());
    if (e.score() != null) n.put("score", e.score());
    if (e.modelVersion() != null) n.put("modelVersion", e.modelVersion());
    n.put("message", e.message());
    ObjectNode attrs = n.putObject("attributes");
    e.attributes().forEach(attrs::put);
    try {
      return MAPPER.writeValueAsString(n);
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
  }

  public static byte[] toBytes(AnomalyEvent e) {
    return toJson(e).getBytes(StandardCharsets.UTF_8);
  }

  public static AnomalyEvent fromJson(String json) {
    try {
      JsonNode n = MAPPER.readTree(json);
      Map<String, String> attrs = new TreeMap<>();
      JsonNode a = n.get("attributes");
      if (a != null) {
        for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
          Map.Entry<String, JsonNode> f = it.next();
          attrs.put(f.getKey(), f.getValue().asText());
        }
      }
      return new AnomalyEvent(n.get("eventId").asText(), AnomalyKind.valueOf(n.get("kind").asText()),
          AnomalySource.valueOf(n.get("source").asText()), Severity.valueOf(n.get("severity").asText()),
          n.get("deviceId").asText(), text(n, "metric"), Instant.parse(n.get("start").asText()), instant(n, "end"),
          Instant.parse(n.get("detectedAt").asText()), number(n, "value"), number(n, "expected"), number(n, "score"),
          text(n, "modelVersion"), n.get("message").asText(), attrs);
    } catch (IOException | RuntimeException ex) {
      throw new IllegalArgumentException("not an anomaly event: " + ex.getMessage(), ex);
    }
  }

  public static AnomalyEvent fromBytes(byte[] json) {
    return fromJson(new String(json, StandardCharsets.UTF_8));
  }

  private static String text(JsonNode n, String f) {
    JsonNode v = n.get(f);
    return v == null || v.isNull() ? null : v.asText();
  }

  private static Double number(JsonNode n, String f) {
    JsonNode v = n.get(f);
    return v == null || v.isNull() ? null : v.asDouble();
  }

  private static Instant instant(JsonNode n, String f) {
    String t = text(n, f);
    return t == null ? null : Instant.parse(t);
  }
}
