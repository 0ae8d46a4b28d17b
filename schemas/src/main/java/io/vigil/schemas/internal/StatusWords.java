package io.vigil.schemas.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.schemas.DeviceStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * The words devices use for up and down on their status topics: Tasmota's LWT {@code Online} /
 * {@code Offline}, ESPHome's {@code online} / {@code offline}, Shelly's {@code true} / {@code false},
 * Zigbee2MQTT's {@code {"state":"online"}} (or the plain word, before 2.0).
 */
public final class StatusWords {
  private static final ObjectMapper JSON = new ObjectMapper();

  private StatusWords() {}

  /** The state the payload says, or null when it says neither. */
  public static DeviceStatus.State stateOf(byte[] payload) {
    String text = new String(payload, StandardCharsets.UTF_8).trim();
    if (text.startsWith("{")) {
      try {
        JsonNode node = JSON.readTree(text);
        JsonNode state = node == null ? null : node.get("state");
        return state == null ? null : word(state.asText());
      } catch (IOException e) {
        return null;
      }
    }
    if (text.length() > 2 && text.startsWith("\"") && text.endsWith("\"")) {
      text = text.substring(1, text.length() - 1);
    }
    return word(text);
  }

  /**
   * Whether an object payload is an OwnTracks last will ({@code {"_type":"lwt","tst":...}}, the
   * will the app registers when it connects), read under the {@code owntracks} preset.
   */
  public static boolean isOwnTracksWill(String mappingName, JsonNode root) {
    if (!"owntracks".equals(mappingName)) {
      return false;
    }
    JsonNode type = root.get("_type");
    return type != null && type.isTextual() && type.asText().equals("lwt");
  }

  /** Scalar switch words: ON/OFF and true/false as 1/0, else null. */
  public static Double switchValue(String text) {
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "on", "true" -> 1.0;
      case "off", "false" -> 0.0;
      default -> null;
    };
  }

  private static DeviceStatus.State word(String text) {
    return switch (text.trim().toLowerCase(Locale.ROOT)) {
      case "online", "true", "connected", "available" -> DeviceStatus.State.ONLINE;
      case "offline", "false", "disconnected", "unavailable" -> DeviceStatus.State.OFFLINE;
      default -> null;
    };
  }
}
