package io.vigil.simulator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Test helper: runs a generator to the end and keeps everything it produced. */
final class Fleets {
  static final Instant NOW = Instant.parse("2026-11-22T02:14:00.123Z");
  static final ObjectMapper JSON = new ObjectMapper();

  record Run(FleetGenerator generator, List<SimulatedMessage> messages, List<FaultLabel> labels) {
    List<SimulatedMessage> of(String device) {
      return messages.stream().filter(m -> m.deviceId().equals(device)).toList();
    }
  }

  private Fleets() {}

  static Map<String, String> settings(String... keyValues) {
    Map<String, String> m = new HashMap<>();
    m.put(SimulatorConfig.DEVICES, "6");
    m.put(SimulatorConfig.HISTORY, "6h");
    m.put(SimulatorConfig.DURATION, "0s");
    m.put(SimulatorConfig.INTERVAL, "10s");
    m.put(SimulatorConfig.FAULTS, "none");
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put(keyValues[i], keyValues[i + 1]);
    }
    return m;
  }

  static Run run(String... keyValues) {
    return run(settings(keyValues));
  }

  static Run run(Map<String, String> settings) {
    FleetGenerator g = new FleetGenerator(new SimulatorConfig(settings), Clock.fixed(NOW, ZoneOffset.UTC));
    List<SimulatedMessage> out = new ArrayList<>();
    g.forEachRemaining(out::add);
    return new Run(g, out, g.labels());
  }

  /** Parses a payload the way a strict consumer would; throws on anything that is not JSON. */
  static JsonNode parse(SimulatedMessage m) {
    try {
      JsonNode n = JSON.readTree(m.payload());
      if (n == null || n.isMissingNode()) {
        throw new IOException("empty payload");
      }
      return n;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The payload's ts as epoch millis (number or ISO string), or null if absent. */
  static Long ts(JsonNode n) {
    JsonNode ts = n.get("ts");
    if (ts == null) {
      return null;
    }
    return ts.isNumber() ? ts.asLong() : Instant.parse(ts.asText()).toEpochMilli();
  }

  /** The metrics object: the nested one or the flat payload itself. */
  static JsonNode metrics(JsonNode n) {
    return n.has("metrics") ? n.get("metrics") : n;
  }

  static double value(SimulatedMessage m, String metric) {
    return metrics(parse(m)).get(metric).asDouble();
  }
}
