package io.vigil.simulator;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The payload dialects the simulator speaks: Vigil's own and what popular firmware and gateways publish
 * (shapes from each project's public documentation; see docs/simulator-dialects.md).
 *
 * <p>The simulator's device id ({@code dev-0001}) is the id each dialect carries where its parser preset
 * reads the device: Zigbee2MQTT's friendly name, Tasmota's topic, Shelly's topic prefix (and NotifyStatus {@code src}),
 * the ESPHome node / Home Assistant statestream base topic (one Home Assistant per site), OwnTracks' {@code <device>} segment (user
 * {@value #OWNTRACKS_USER}; the preset names the device {@code <user>:<device>}, so the simulator's id is
 * {@code vigil:dev-0001}), The Things Stack's {@code end_device_ids.device_id} (also in the topic), Sparkplug's
 * {@code <group>:<edge node>:<device>} ({@code vigil-sim:edge-0001:dev-0001}). So the labels file names the device
 * the lake shows.
 */
public enum Dialect {
  /** {@code devices/{deviceId}/telemetry}, {@code {"ts":..,"msgId"|"seq":..,<metrics> | "metrics":{..}}}. */
  VIGIL("vigil", TimeSource.DEVICE, false),
  /** {@code zigbee2mqtt/<friendly name>}, a flat object without a timestamp. */
  ZIGBEE2MQTT("zigbee2mqtt", TimeSource.NONE, false),
  /** {@code tele/<topic>/SENSOR}, {@code Time} in local time without a zone, readings under the sensor's name. */
  TASMOTA("tasmota", TimeSource.DEVICE, false),
  /** {@code <device-id>/status/<component>}, each component's status (generic status updates); no time of the reading. */
  SHELLY_GEN2("shelly-gen2", TimeSource.NONE, false),
  /** {@code <device-id>/events/rpc}, the NotifyStatus frame with {@code params.ts} in epoch seconds. */
  SHELLY_GEN2_RPC("shelly-gen2-rpc", TimeSource.DEVICE, false),
  /** {@code <node>/sensor/<object_id>/state}, the bare value; one message per reading per metric. */
  ESPHOME("esphome", TimeSource.NONE, true),
  /** {@code <base>/sensor/<object id>/state}, the bare value; one message per reading per metric (named {@code sensor.<object id>}). */
  HOMEASSISTANT_STATESTREAM("homeassistant-statestream", TimeSource.NONE, true),
  /** {@code owntracks/<user>/<device>}, a location with {@code tst} in epoch seconds. Devices are trackers. */
  OWNTRACKS("owntracks", TimeSource.DEVICE, false),
  /** {@code v3/<app>@<tenant>/devices/<device>/up}, the network server's ISO {@code received_at}. */
  TTN_V3("ttn-v3", TimeSource.NETWORK, false),
  /**
   * Sparkplug B protobuf on {@code spBv1.0/vigil-sim/<type>/<edge node>/<device>}: NBIRTH and DBIRTH (metric names
   * and aliases) before the first DDATA (aliases and timestamps), a DDEATH when the device dies.
   */
  SPARKPLUG_B("sparkplug-b", TimeSource.DEVICE, false);

  /** Where a dialect's event time comes from. */
  public enum TimeSource {
    /** The device's own clock: it can be skewed, and history can be backfilled. */
    DEVICE,
    /** A server stamps the reading (The Things Stack's network server): no device skew, history can be backfilled. */
    NETWORK,
    /** No time at all: the consumer takes its arrival time, so such devices only publish live, never history. */
    NONE
  }

  public static final String MIXED = "mixed";
  public static final String OWNTRACKS_USER = "vigil";

  private final String id;
  private final TimeSource time;
  private final boolean scalar;

  Dialect(String id, TimeSource time, boolean scalar) {
    this.id = id;
    this.time = time;
    this.scalar = scalar;
  }

  /** The name in settings, e.g. {@code shelly-gen2}. */
  public String id() {
    return id;
  }

  public TimeSource timeSource() {
    return time;
  }

  /** Whether a payload carries an event time (the device's or a server's). */
  public boolean carriesTime() {
    return time != TimeSource.NONE;
  }

  /** Whether each metric goes out as its own message, the bare value on a topic naming the metric. */
  public boolean scalar() {
    return scalar;
  }

  public static Dialect byId(String text) {
    String t = text.trim().toLowerCase(Locale.ROOT);
    for (Dialect d : values()) {
      if (d.id.equals(t)) {
        return d;
      }
    }
    throw new IllegalArgumentException("unknown dialect '" + text.trim() + "' (one of " + ids() + ")");
  }

  /** Every dialect's name, comma-separated. */
  public static String ids() {
    return Arrays.stream(values()).map(Dialect::id).collect(Collectors.joining(", "));
  }

  /**
   * Parses the fleet's dialect setting: one name, {@code mixed} (every dialect), or a comma list of names
   * (a fleet mixing those).
   *
   * @throws IllegalArgumentException naming the bad part
   */
  public static List<Dialect> parseList(String spec) {
    if (spec == null || spec.isBlank()) {
      throw new IllegalArgumentException("empty");
    }
    if (spec.trim().equalsIgnoreCase(MIXED)) {
      return List.of(values());
    }
    LinkedHashSet<Dialect> out = new LinkedHashSet<>();
    for (String part : spec.split(",")) {
      if (part.trim().equalsIgnoreCase(MIXED)) {
        throw new IllegalArgumentException("'mixed' cannot be combined with other entries");
      }
      out.add(byId(part));
    }
    return List.copyOf(new ArrayList<>(out));
  }
}
