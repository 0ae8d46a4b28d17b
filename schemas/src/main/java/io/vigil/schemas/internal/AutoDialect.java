package io.vigil.schemas.internal;

/**
 * Which device family a message comes from, by its topic's shape, for {@code preset=auto}: one
 * route on {@code #} lands a mixed fleet. Each family's default topics are distinctive, except
 * ESPHome's {@code <node>/<type>/<id>/state} and Home Assistant statestream's
 * {@code <base>/<domain>/<id>/state}: statestream is taken when the first level is
 * {@code homeassistant} (its documented base topic), ESPHome otherwise. Anything else is Vigil's
 * own dialect.
 */
public final class AutoDialect {
  public static final String AUTO = "auto";

  private AutoDialect() {}

  public static String familyOf(String topic) {
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
    if ((n == 3 && s[1].equals("status")) || (n == 2 && s[1].equals("online"))) {
      return "shelly-gen2";
    }
    if (n == 4 && s[3].equals("state")) {
      return first.equals("homeassistant") ? "homeassistant-statestream" : "esphome";
    }
    if (n == 2 && s[1].equals("status")) {
      return "esphome";
    }
    return Presets.VIGIL;
  }
}
