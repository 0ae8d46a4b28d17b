package io.vigil.schemas.internal;

import java.nio.charset.StandardCharsets;
import java.util.Set;

/**
 * Which device family a message comes from, by its topic's shape and (where the topic alone is
 * ambiguous) its payload, for {@code preset=auto}: one route on {@code #} lands a mixed fleet. Each
 * family's default topics are distinctive, except ESPHome's {@code <node>/<type>/<id>/state} and
 * Home Assistant statestream's {@code <base>/<domain>/<id>/state}. Statestream is taken when
 * <ul>
 *   <li>the first level is {@code homeassistant} (the documented example base topic), or
 *   <li>the domain is one only Home Assistant has (helpers such as {@code input_number},
 *       {@code counter}, {@code person}, {@code device_tracker}, {@code sun}, {@code weather}), or
 *   <li>the state is one of Home Assistant's lower-case state words ({@code on}, {@code off},
 *       {@code unavailable}, {@code unknown}, {@code home}, {@code not_home}); ESPHome writes
 *       {@code ON}/{@code OFF} and {@code nan}.
 * </ul>
 * A numeric state under another base is the one case no message tells apart (both send the bare
 * number): it is read as ESPHome; a route with {@code preset=homeassistant-statestream} settles it.
 * Shelly Gen2's RPC notifications on {@code <id>/events/rpc} ({@code NotifyStatus} with the time in
 * {@code params.ts}) are read as {@link #SHELLY_GEN2_RPC}. Anything else is Vigil's own dialect.
 */
public final class AutoDialect {
  public static final String AUTO = "auto";
  /** Shelly Gen2 notifications ({@code <id>/events/rpc}): the shelly-gen2 preset with its RPC mapping. */
  public static final String SHELLY_GEN2_RPC = "shelly-gen2/events-rpc";
  private static final String STATESTREAM = "homeassistant-statestream";

  /** Home Assistant domains ESPHome has no component of (home-assistant.io integrations, helpers). */
  private static final Set<String> HOME_ASSISTANT_ONLY_DOMAINS = Set.of("input_number", "input_boolean", "input_select",
      "input_text", "input_datetime", "input_button", "counter", "timer", "person", "device_tracker", "zone", "sun",
      "weather", "automation", "script", "scene", "group", "calendar", "todo", "schedule", "proximity");
  /** States Home Assistant writes in lower case (homeassistant.const STATE_*), as statestream publishes them. */
  private static final Set<String> HOME_ASSISTANT_STATE_WORDS = Set.of("on", "off", "unavailable", "unknown", "home",
      "not_home", "open", "closed");

  private AutoDialect() {}

  /** The family by topic alone (the payload left out: a numeric or ESPHome-looking state). */
  public static String familyOf(String topic) {
    return familyOf(topic, null);
  }

  /** The family of one message, by its topic and, for ambiguous topics, its payload (may be null). */
  public static String familyOf(String topic, byte[] payload) {
    if (topic == null) {
      return Presets.VIGIL;
    }
    String[] s = topic.split("/", -1);
    String first = s[0];
    int n = s.length;
    if (first.equals("spBv1.0")) {
      return Presets.SPARKPLUG_B;
    }
    if (first.equals("zigbee2mqtt") && (n == 2 || (n == 3 && s[2].equals("availability")))) {
      return "zigbee2mqtt";
    }
    if (first.equals("tele") && n == 3 && (s[2].equals("SENSOR") || s[2].equals("LWT"))) {
      return "tasmota";
    }
    if (first.equals("owntracks") && n == 3) {
      return "owntracks";
    }
    if (first.equals("v3") && n == 5 && s[2].equals("devices") && s[4].equals("up")) {
      return "ttn-v3";
    }
    if (n == 3 && s[1].equals("events") && s[2].equals("rpc")) {
      return SHELLY_GEN2_RPC;
    }
    if ((n == 3 && s[1].equals("status")) || (n == 2 && s[1].equals("online"))) {
      return "shelly-gen2";
    }
    if (n == 4 && s[3].equals("state")) {
      return first.equals("homeassistant") || HOME_ASSISTANT_ONLY_DOMAINS.contains(s[1]) || homeAssistantWord(payload)
          ? STATESTREAM : "esphome";
    }
    if (n == 2 && s[1].equals("status")) {
      return "esphome";
    }
    return Presets.VIGIL;
  }

  private static boolean homeAssistantWord(byte[] payload) {
    if (payload == null || payload.length == 0 || payload.length > 16) {
      return false;
    }
    // Case-sensitive on purpose: ESPHome's binary sensors and switches say ON / OFF.
    return HOME_ASSISTANT_STATE_WORDS.contains(new String(payload, StandardCharsets.UTF_8).trim());
  }
}
