package io.vigil.simulator;

import io.vigil.common.VigilErrors;
import io.vigil.common.config.AbstractConfig;
import io.vigil.common.config.ConfigDef;
import io.vigil.common.config.ConfigDef.Type;
import io.vigil.common.config.ConfigSources;
import io.vigil.common.config.Password;
import io.vigil.common.config.Validator;
import io.vigil.simulator.internal.FaultSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** Every setting of {@code vigil simulate}, typed and validated. */
public final class SimulatorConfig extends AbstractConfig {
  public static final String DEVICES = "simulator.devices";
  public static final String DURATION = "simulator.duration";
  public static final String HISTORY = "simulator.history";
  public static final String INTERVAL = "simulator.interval";
  public static final String JITTER = "simulator.jitter";
  public static final String SEED = "simulator.seed";
  public static final String RATE = "simulator.rate";
  public static final String SPEEDUP = "simulator.speedup";
  public static final String TOPIC_LAYOUT = "simulator.topic.layout";
  public static final String DIALECT = "simulator.dialect";
  public static final String TASMOTA_ZONE = "simulator.dialect.tasmota.zone";
  public static final String OUTPUT = "simulator.output";
  public static final String OUTPUT_FILE = "simulator.output.file";
  public static final String LABELS = "simulator.labels";
  public static final String FAULTS = "simulator.faults";
  public static final String FAULT_SPIKE_SIGMA = "simulator.faults.spike.sigma";
  public static final String FAULT_SHIFT_SIGMA = "simulator.faults.shift.sigma";
  public static final String FAULT_DRIFT_SIGMA = "simulator.faults.drift.sigma";
  public static final String FAULT_GAP_MIN = "simulator.faults.gap.min";
  public static final String FAULT_GAP_MAX = "simulator.faults.gap.max";
  public static final String FAULT_LATE_DELAY = "simulator.faults.late.delay";
  public static final String FAULT_SKEW_OFFSET = "simulator.faults.skew.offset";
  public static final String FAULT_FREQUENCY_FACTOR = "simulator.faults.frequency.factor";
  public static final String MQTT_URL = "mqtt.url";
  public static final String MQTT_QOS = "mqtt.qos";
  public static final String MQTT_CLIENT_ID = "mqtt.client.id";
  public static final String MQTT_USERNAME = "mqtt.username";
  public static final String MQTT_PASSWORD = "mqtt.password";
  public static final String MQTT_MAX_INFLIGHT = "mqtt.max.inflight";
  public static final String MQTT_CONNECT_TIMEOUT = "mqtt.connect.timeout";
  public static final String MQTT_DRAIN_TIMEOUT = "mqtt.drain.timeout";

  /** Where messages go. */
  public enum Output { MQTT, JSONL, COUNT }

  public static final ConfigDef DEFINITION = new ConfigDef()
      .define(DEVICES, Type.INT, 50, Validator.between(1, 100_000), "Number of simulated devices (ids dev-0001, dev-0002, ...).")
      .define(DURATION, Type.DURATION, Duration.ofMinutes(3), nonNegativeDuration(),
          "How long to run in real time from now (0s for none). Messages are published as their time comes.")
      .define(HISTORY, Type.DURATION, Duration.ZERO, nonNegativeDuration(),
          "Backfill window ending now (e.g. 7d; 0s for none). Its messages carry past event times and are published as fast as "
              + RATE + " allows, before the real-time part.")
      .define(INTERVAL, Type.DURATION, Duration.ofSeconds(10), Validator.atLeastDuration(Duration.ofMillis(500)),
          "Base reporting interval. Each device reports at 0.2x to 6x of it, chosen from the seed.")
      .define(JITTER, Type.DOUBLE, 0.1, doubleBetween(0.0, 0.2),
          "Maximum timing jitter as a fraction of a device's interval (each device draws its own up to this).")
      .define(SEED, Type.LONG, 42L, "Random seed. The same seed and settings produce byte-identical messages and labels.")
      .define(RATE, Type.DOUBLE, 1000.0, doubleBetween(0.0, 1_000_000.0),
          "Maximum publish rate in messages per second across the fleet (0 for unlimited).")
      .define(SPEEDUP, Type.DOUBLE, 1.0, doubleBetween(0.001, 100_000.0),
          "Real-time speed-up: simulated time runs this many times faster than the wall clock.")
      .define(TOPIC_LAYOUT, Type.STRING, "devices/{deviceId}/telemetry",
          Validator.matches("[^#+]*\\{deviceId\\}[^#+]*", "an MQTT topic without wildcards containing {deviceId}"),
          "MQTT topic per device in the vigil dialect; {deviceId} is replaced by the device id. Other dialects use their "
              + "family's topic (see " + DIALECT + ").")
      .define(DIALECT, Type.STRING, Dialect.VIGIL.id(), dialectSpec(),
          "Payload dialect the devices speak: one of " + Dialect.ids() + "; 'mixed' for a fleet of all of them, or a comma "
              + "list for a fleet of those (each device's dialect drawn from the seed). Topics: vigil "
              + "devices/{deviceId}/telemetry (" + TOPIC_LAYOUT + "); zigbee2mqtt zigbee2mqtt/{deviceId}; tasmota "
              + "tele/{deviceId}/SENSOR; shelly-gen2 {deviceId}/status/<component> (generic status); shelly-gen2-rpc "
              + "{deviceId}/events/rpc (NotifyStatus with params.ts); esphome and homeassistant-statestream "
              + "{deviceId}/sensor/<metric>/state (a bare value per metric); owntracks owntracks/" + Dialect.OWNTRACKS_USER
              + "/{deviceId} (devices are location trackers, named " + Dialect.OWNTRACKS_USER + ":{deviceId} as the lake shows them); ttn-v3 v3/vigil-sim@ttn/devices/{deviceId}/up; "
              + "sparkplug-b spBv1.0/vigil-sim/<NBIRTH|DBIRTH|DDATA|DDEATH>/edge-NNNN[/{deviceId}] (protobuf; device "
              + "vigil-sim:edge-NNNN:{deviceId}). "
              + "zigbee2mqtt, shelly-gen2, esphome and homeassistant-statestream carry no timestamp: their devices publish "
              + "only in real time (never " + HISTORY + ") and need " + SPEEDUP + "=1 for the labels to match arrival times.")
      .define(TASMOTA_ZONE, Type.STRING, "UTC", zoneId(),
          "Time zone of the tasmota dialect's Time field, which is local time without a zone (give the parser the same).")
      .define(OUTPUT, Type.STRING, "mqtt", Validator.oneOf("mqtt", "jsonl", "count"),
          "mqtt publishes; jsonl writes one JSON line per message to " + OUTPUT_FILE + "; count only counts.")
      .define(OUTPUT_FILE, Type.PATH, Path.of("vigil-messages.jsonl"), "File for output=jsonl.")
      .define(LABELS, Type.PATH, Path.of("vigil-labels.csv"),
          "Ground-truth labels CSV (device,metric,kind,start,end) of every injected fault.")
      .define(FAULTS, Type.STRING, "default", faultSpec(),
          "Fault mix: none, default, or a comma list of kind[=probability] (gap, dead, frequency, spike, shift, drift, "
              + "duplicate, late, ooo, skew, malformed); a list that includes 'default' changes the default mix. "
              + "gap: per device per day; dead, frequency, skew: per device; shift, drift: per metric; the rest: per message.")
      .define(FAULT_SPIKE_SIGMA, Type.DOUBLE, 8.0, doubleBetween(1.0, 1000.0),
          "Spike size in units of a metric's natural spread (noise plus seasonal amplitude).")
      .define(FAULT_SHIFT_SIGMA, Type.DOUBLE, 4.0, doubleBetween(0.1, 1000.0), "Level-shift step in units of a metric's spread.")
      .define(FAULT_DRIFT_SIGMA, Type.DOUBLE, 5.0, doubleBetween(0.1, 1000.0),
          "How far a drift departs, in units of a metric's spread, by the end of the window.")
      .define(FAULT_GAP_MIN, Type.DURATION, Duration.ofMinutes(1), Validator.positiveDuration(), "Shortest gap.")
      .define(FAULT_GAP_MAX, Type.DURATION, Duration.ofMinutes(15), Validator.positiveDuration(),
          "Longest gap (gaps are also kept under a quarter of the window).")
      .define(FAULT_LATE_DELAY, Type.DURATION, Duration.ofMinutes(2), Validator.positiveDuration(),
          "A late message is published between 1x and 3x this after its event time.")
      .define(FAULT_SKEW_OFFSET, Type.DURATION, Duration.ofMinutes(10), Validator.positiveDuration(),
          "Clock-skew offset (ahead or behind, chosen per device).")
      .define(FAULT_FREQUENCY_FACTOR, Type.DOUBLE, 3.0, doubleBetween(1.1, 100.0),
          "A frequency change multiplies or divides the interval by this.")
      .define(MQTT_URL, Type.STRING, null,
          "Broker URL, e.g. tcp://127.0.0.1:1883. Unset: read mqtt.url from $VIGIL_HOME/stack/endpoints.properties.")
      .define(MQTT_QOS, Type.INT, 1, Validator.between(0, 2), "MQTT QoS for every message.")
      .define(MQTT_CLIENT_ID, Type.STRING, null, "MQTT client id (unset: vigil-sim-<seed>-<random>).")
      .define(MQTT_USERNAME, Type.STRING, null, "MQTT user name, if the broker needs one.")
      .define(MQTT_PASSWORD, Type.PASSWORD, null, "MQTT password (env:NAME or file:/path to keep it off the command line).")
      .define(MQTT_MAX_INFLIGHT, Type.INT, 1000, Validator.between(1, 65_535),
          "Most messages awaiting the broker's acknowledgement at once.")
      .define(MQTT_CONNECT_TIMEOUT, Type.DURATION, Duration.ofSeconds(10), Validator.positiveDuration(),
          "How long to wait for the broker connection.")
      .define(MQTT_DRAIN_TIMEOUT, Type.DURATION, Duration.ofSeconds(60), Validator.positiveDuration(),
          "At the end, how long to wait for outstanding acknowledgements before giving up.");

  private final FaultSettings faults;

  public SimulatorConfig(Map<String, String> originals) {
    super(DEFINITION, originals, List.of());
    if (getDuration(DURATION).isZero() && getDuration(HISTORY).isZero()) {
      throw VigilErrors.invalidConfigValue(DURATION, "0s", "a duration above zero when " + HISTORY + " is 0s too (nothing to simulate)");
    }
    if (getDuration(FAULT_GAP_MAX).compareTo(getDuration(FAULT_GAP_MIN)) < 0) {
      throw VigilErrors.invalidConfigValue(FAULT_GAP_MAX, String.valueOf(getDuration(FAULT_GAP_MAX)),
          "a duration at least " + FAULT_GAP_MIN);
    }
    this.faults = FaultSettings.from(this);
  }

  /** Settings from a properties file (may be null) and key=value overrides, later ones winning. */
  public static SimulatorConfig load(Path file, List<String> overrides) {
    return new SimulatorConfig(ConfigSources.load(file, overrides));
  }

  public int devices() {
    return getInt(DEVICES);
  }

  public Duration duration() {
    return getDuration(DURATION);
  }

  public Duration history() {
    return getDuration(HISTORY);
  }

  public Duration interval() {
    return getDuration(INTERVAL);
  }

  public double jitter() {
    return getDouble(JITTER);
  }

  public long seed() {
    return getLong(SEED);
  }

  public double rate() {
    return getDouble(RATE);
  }

  public double speedup() {
    return getDouble(SPEEDUP);
  }

  public String topicLayout() {
    return getString(TOPIC_LAYOUT);
  }

  /** The dialects of the fleet: one, or several that devices are drawn from. */
  public List<Dialect> dialects() {
    return Dialect.parseList(getString(DIALECT));
  }

  public java.time.ZoneId tasmotaZone() {
    return java.time.ZoneId.of(getString(TASMOTA_ZONE));
  }

  public String topicFor(String deviceId) {
    return topicLayout().replace("{deviceId}", deviceId);
  }

  public Output output() {
    return Output.valueOf(getString(OUTPUT).toUpperCase(java.util.Locale.ROOT));
  }

  public Path outputFile() {
    return getPath(OUTPUT_FILE);
  }

  public Path labels() {
    return getPath(LABELS);
  }

  public String mqttUrl() {
    return getString(MQTT_URL);
  }

  public int qos() {
    return getInt(MQTT_QOS);
  }

  public String mqttClientId() {
    return getString(MQTT_CLIENT_ID);
  }

  public String mqttUsername() {
    return getString(MQTT_USERNAME);
  }

  public Password mqttPassword() {
    return getPassword(MQTT_PASSWORD);
  }

  public int maxInflight() {
    return getInt(MQTT_MAX_INFLIGHT);
  }

  public Duration connectTimeout() {
    return getDuration(MQTT_CONNECT_TIMEOUT);
  }

  public Duration drainTimeout() {
    return getDuration(MQTT_DRAIN_TIMEOUT);
  }

  /** The parsed fault mix and intensities. */
  public FaultSettings faults() {
    return faults;
  }

  private static Validator nonNegativeDuration() {
    return new Validator() {
      @Override
      public void ensureValid(String key, Object value) {
        if (value != null && ((Duration) value).isNegative()) {
          throw VigilErrors.invalidConfigValue(key, String.valueOf(value), "a duration of zero or more, such as 0s or 7d");
        }
      }

      @Override
      public String describe() {
        return ">= 0";
      }
    };
  }

  private static Validator doubleBetween(double min, double max) {
    return new Validator() {
      @Override
      public void ensureValid(String key, Object value) {
        double v = ((Number) value).doubleValue();
        if (Double.isNaN(v) || v < min || v > max) {
          throw VigilErrors.invalidConfigValue(key, String.valueOf(value), "a number in [" + min + ", " + max + "]");
        }
      }

      @Override
      public String describe() {
        return "[" + min + ", " + max + "]";
      }
    };
  }

  private static Validator dialectSpec() {
    return new Validator() {
      @Override
      public void ensureValid(String key, Object value) {
        try {
          Dialect.parseList((String) value);
        } catch (IllegalArgumentException e) {
          throw VigilErrors.invalidConfigValue(key, String.valueOf(value),
              "one of " + Dialect.ids() + ", 'mixed', or a comma list of them (" + e.getMessage() + ")");
        }
      }

      @Override
      public String describe() {
        return "dialect, mixed, or dialect,...";
      }
    };
  }

  private static Validator zoneId() {
    return new Validator() {
      @Override
      public void ensureValid(String key, Object value) {
        try {
          java.time.ZoneId.of((String) value);
        } catch (java.time.DateTimeException e) {
          throw VigilErrors.invalidConfigValue(key, String.valueOf(value), "a time zone id such as UTC or Europe/Amsterdam");
        }
      }

      @Override
      public String describe() {
        return "a zone id";
      }
    };
  }

  private static Validator faultSpec() {
    return new Validator() {
      @Override
      public void ensureValid(String key, Object value) {
        try {
          FaultSettings.parseProbabilities((String) value);
        } catch (IllegalArgumentException e) {
          throw VigilErrors.invalidConfigValue(key, String.valueOf(value),
              "none, default, or a comma list of kind[=probability] with probabilities in [0, 1] (" + e.getMessage() + ")");
        }
      }

      @Override
      public String describe() {
        return "none, default, or kind[=p],...";
      }
    };
  }
}
