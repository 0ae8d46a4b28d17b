package io.vigil.simulator.internal;

import io.vigil.simulator.Dialect;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The one place a dialect becomes code: its metric names, its topic, how faults apply to it and the
 * writer that builds its messages. A new dialect (Sparkplug B) adds a case to each switch here.
 */
public final class DialectWriters {
  /** The Things Stack application and tenant the simulated end devices belong to. */
  public static final String TTN_APPLICATION = "vigil-sim";
  public static final String TTN_TENANT = "ttn";
  /** The Sparkplug group every simulated edge node belongs to. */
  public static final String SPARKPLUG_GROUP = "vigil-sim";

  /** Settings some dialects need. */
  public record Options(ZoneId tasmotaZone) {
    public static final Options DEFAULT = new Options(ZoneId.of("UTC"));
  }

  private DialectWriters() {}

  /** The writer for one device, with its own extras stream. */
  public static DialectWriter create(long seed, DeviceProfile p, Options options) {
    SplittableRandom extras = Seeds.stream(seed, p.index(), Seeds.DIALECT_EXTRAS);
    return switch (p.dialect()) {
      case VIGIL -> s -> List.of(new DialectWriter.Publication(p.topic(),
          PayloadWriter.write(p, s.tsMs(), s.seq(), s.values(), s.bad(), s.badMetric(), s.textVariant()), vigilTruth(p, s)));
      case ZIGBEE2MQTT -> new Zigbee2MqttWriter(p, extras);
      case TASMOTA -> new TasmotaWriter(p, extras, options.tasmotaZone());
      case SHELLY_GEN2, SHELLY_GEN2_RPC -> new ShellyGen2Writer(p, extras);
      case ESPHOME, HOMEASSISTANT_STATESTREAM -> new ScalarWriter(p, extras);
      case OWNTRACKS -> new OwnTracksWriter(p, extras);
      case TTN_V3 -> new TtnV3Writer(p, extras);
      case SPARKPLUG_B -> new SparkplugWriter(p);
    };
  }

  /**
   * The device id the lake shows for the simulator's device {@code name} ({@code dev-0001}): the name itself,
   * but for OwnTracks, whose preset names a device {@code <user>:<device>} (device names repeat across users),
   * and Sparkplug B, {@code <group>:<edge node>:<device>} (each device behind an edge node of its own,
   * {@code edge-0001} for {@code dev-0001}). Labels and {@code SimulatedMessage.deviceId()} carry it.
   */
  public static String deviceId(Dialect d, String name) {
    return switch (d) {
      case OWNTRACKS -> Dialect.OWNTRACKS_USER + ":" + name;
      case SPARKPLUG_B -> SPARKPLUG_GROUP + ":" + sparkplugNode(name) + ":" + name;
      default -> name;
    };
  }

  /** The edge node a Sparkplug device is behind: {@code edge-0001} for {@code dev-0001}. */
  private static String sparkplugNode(String name) {
    return "edge-" + name.substring(name.indexOf('-') + 1);
  }

  /**
   * The topic of a device's readings; for scalar dialects the filter matching all of them. Segments are the
   * ones each family's parser preset reads the device id from.
   *
   * @param deviceId the simulator's device name ({@code dev-0001})
   */
  public static String topic(Dialect d, String deviceId, String vigilLayout) {
    return switch (d) {
      case VIGIL -> vigilLayout.replace("{deviceId}", deviceId);
      case ZIGBEE2MQTT -> "zigbee2mqtt/" + deviceId;
      case TASMOTA -> "tele/" + deviceId + "/SENSOR";
      case SHELLY_GEN2 -> deviceId + "/status/+";
      case SHELLY_GEN2_RPC -> deviceId + "/events/rpc";
      case ESPHOME, HOMEASSISTANT_STATESTREAM -> deviceId + "/+/+/state";
      case OWNTRACKS -> "owntracks/" + Dialect.OWNTRACKS_USER + "/" + deviceId;
      case TTN_V3 -> "v3/" + TTN_APPLICATION + "@" + TTN_TENANT + "/devices/" + deviceId + "/up";
      // Every message of the device's edge node: N/D BIRTH, DATA and DEATH.
      case SPARKPLUG_B -> "spBv1.0/" + SPARKPLUG_GROUP + "/+/" + sparkplugNode(deviceId) + "/#";
    };
  }

  /** The type a device of this dialect is, given the one drawn for it: OwnTracks devices are trackers. */
  static DeviceType typeFor(Dialect d, DeviceType drawn) {
    return d == Dialect.OWNTRACKS ? DeviceType.TRACKER : drawn;
  }

  /**
   * A metric's name in a dialect: the dotted path of its value relative to where the family's parser
   * preset roots the metrics (Tasmota: the payload; Shelly: {@code params} or the status topic's component; The Things Stack:
   * {@code uplink_message.decoded_payload}; scalar dialects: the topic's object id). Labels use it, so
   * they name the metric the lake shows.
   */
  static String metricName(Dialect d, DeviceType type, String base) {
    return switch (d) {
      case VIGIL, ESPHOME, OWNTRACKS, TTN_V3 -> base;
      // Sparkplug names are paths (Sensors/temperature); the preset reads / as a dot.
      case SPARKPLUG_B -> "Sensors." + base;
      // The statestream preset names a metric by its entity id, domain and object id.
      case HOMEASSISTANT_STATESTREAM -> "sensor." + base;
      case ZIGBEE2MQTT -> base.equals("power_w") ? "power" : base;
      case TASMOTA -> switch (base) {
        case "temperature" -> "AM2301.Temperature";
        case "humidity" -> "AM2301.Humidity";
        case "power_w" -> "ENERGY.Power";
        case "voltage" -> "ENERGY.Voltage";
        default -> "ANALOG.Range";
      };
      case SHELLY_GEN2, SHELLY_GEN2_RPC -> switch (base) {
        case "temperature" -> "temperature:0.tC";
        case "humidity" -> "humidity:0.rh";
        case "power_w" -> "switch:0.apower";
        case "voltage" -> "switch:0.voltage";
        default -> "voltmeter:100.xvoltage";
      };
    };
  }

  /**
   * The malformation a dialect can carry in place of the drawn one: a dialect without a timestamp
   * cannot have a missing or absurd one, so those become a non-numeric metric instead.
   */
  static Malformation adapt(Dialect d, Malformation bad) {
    if (bad == null || d.carriesTime()) {
      return bad;
    }
    return switch (bad) {
      case MISSING_TS, TS_1970, TS_2999 -> Malformation.NON_NUMERIC;
      default -> bad;
    };
  }

  /** Whether a malformation's label names one metric (else the whole device). */
  static boolean malformationHitsOneMetric(Dialect d, Malformation bad) {
    return bad.perMetric() || d.scalar();
  }

  private static Map<String, Double> vigilTruth(DeviceProfile p, DialectWriter.Sample s) {
    Map<String, Double> out = new LinkedHashMap<>();
    boolean whole = s.bad() == Malformation.EMPTY || s.bad() == Malformation.NOT_JSON;
    for (int i = 0; i < s.values().length && !whole; i++) {
      if (!(i == s.badMetric() && s.bad() != null && s.bad().perMetric())) {
        out.put(p.metrics().get(i).name(), s.values()[i]);
      }
    }
    return out;
  }
}
