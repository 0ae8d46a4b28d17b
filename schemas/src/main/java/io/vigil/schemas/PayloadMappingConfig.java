package io.vigil.schemas;

import io.vigil.common.VigilErrors;
import io.vigil.common.config.AbstractConfig;
import io.vigil.common.config.ConfigDef;
import io.vigil.common.config.ConfigDef.Type;
import io.vigil.common.config.Validator;
import io.vigil.schemas.internal.Presets;
import java.time.DateTimeException;
import java.time.ZoneId;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The payload-mapping keys, defined once and used under any prefix: the bridge's {@code parser.}
 * and {@code routes.<name>.}, the streaming job's {@code parser.} (and per route). Every key is
 * optional: unset, the preset's value (or the inherited mapping's) stays.
 *
 * <pre>
 * routes.z2m.filters=zigbee2mqtt/+,zigbee2mqtt/+/availability
 * routes.z2m.preset=zigbee2mqtt
 * routes.plant.filters=plant/+/data
 * routes.plant.topic.layout=plant/{deviceId}/data
 * routes.plant.timestamp.unit=auto
 * routes.plant.timestamp.missing=arrival
 * </pre>
 */
public final class PayloadMappingConfig {
  public static final String PRESET = "preset";
  public static final String TIMESTAMP_FIELDS = "timestamp.fields";
  public static final String TIMESTAMP_UNIT = "timestamp.unit";
  public static final String TIMESTAMP_ZONE = "timestamp.zone";
  public static final String TIMESTAMP_MISSING = "timestamp.missing";
  public static final String METRICS_ROOT = "metrics.root";
  public static final String METRICS_INCLUDE = "metrics.include";
  public static final String METRICS_EXCLUDE = "metrics.exclude";
  public static final String ARRAYS = "arrays";
  public static final String STRINGS = "strings";

  private PayloadMappingConfig() {}

  /** Adds the mapping keys under {@code prefix} (such as {@code parser.} or {@code routes.z2m.}) to {@code def}. */
  public static ConfigDef define(ConfigDef def, String prefix) {
    return def
        .define(prefix + PRESET, Type.STRING, null, Validator.oneOf(ParserOptions.PRESETS.toArray(String[]::new)),
            "Device family whose topic layout, device id and payload mapping to use (sparkplug-b is reserved for the Sparkplug B "
                + "decoder; auto reads each message as the family its topic names, for one route on # and a mixed fleet). "
                + "Unset: vigil (Vigil's own dialect), or the bridge-wide parser.preset for a route. "
                + "The keys below, topic.layout and the device id keys override single parts of it.")
        .define(prefix + TIMESTAMP_FIELDS, Type.LIST, null,
            "Payload fields or dotted paths holding the event time, first present wins (such as ts,params.ts). Unset: the preset's.")
        .define(prefix + TIMESTAMP_UNIT, Type.STRING, null, Validator.oneOf("auto", "s", "ms", "us", "ns"),
            "Unit of numeric timestamps. auto decides by magnitude: below 1e11 epoch seconds, below 1e14 milliseconds, "
                + "below 1e17 microseconds, else nanoseconds. Fractions are kept to the millisecond. Unset: the preset's (ms for vigil).")
        .define(prefix + TIMESTAMP_ZONE, Type.STRING, null, PayloadMappingConfig::validZone,
            "Time zone of ISO-8601 times sent without a zone or offset (Tasmota's Time), such as Europe/Berlin or +01:00. "
                + "Unset: the preset's (UTC for tasmota; zone-less times are refused otherwise).")
        .define(prefix + TIMESTAMP_MISSING, Type.STRING, null, Validator.oneOf("reject", "arrival"),
            "A payload with none of the timestamp fields: reject it (MISSING_TIMESTAMP) or use the bridge's arrival time "
                + "(silver records the time source). Unset: the preset's (arrival for devices that send no time).")
        .define(prefix + METRICS_ROOT, Type.STRING, null,
            "Dotted path of the object holding the readings, such as uplink_message.decoded_payload; empty for the whole payload. "
                + "Unset: the preset's (for vigil: the metrics object when present, else the payload).")
        .define(prefix + METRICS_INCLUDE, Type.LIST, null,
            "Glob patterns (* any characters, ? one) of metric names to keep; empty keeps all. Unset: the preset's.")
        .define(prefix + METRICS_EXCLUDE, Type.LIST, null,
            "Glob patterns of metric and attribute names to drop, such as *.id,Wifi.*. Unset: the preset's.")
        .define(prefix + ARRAYS, Type.STRING, null, Validator.oneOf("skip", "index"),
            "Arrays in payloads: skip them, or read each element as <name>.<index> (by_minute.0). Unset: the preset's (skip).")
        .define(prefix + STRINGS, Type.STRING, null, Validator.oneOf("attribute", "reject"),
            "Text values: keep them as attributes next to the readings, or refuse them as NON_NUMERIC_METRIC. "
                + "Unset: the preset's (attribute; reject for vigil).");
  }

  /**
   * {@code base} with the preset under {@code prefix} (when set) and then each mapping key that is
   * set. The caller applies its own topic layout and device id keys afterwards, so they win.
   */
  public static ParserOptions apply(ParserOptions base, AbstractConfig config, String prefix) {
    String preset = config.getString(prefix + PRESET);
    ParserOptions options = preset == null ? base : base.withPreset(preset);
    PayloadMapping m = options.mapping();
    List<String> fields = config.getList(prefix + TIMESTAMP_FIELDS);
    if (fields != null) {
      m = m.withTimestampFields(fields);
    }
    String unit = config.getString(prefix + TIMESTAMP_UNIT);
    if (unit != null) {
      m = m.withTimestampUnit(PayloadMapping.TimestampUnit.valueOf(unit.toUpperCase(Locale.ROOT)));
    }
    String zone = config.getString(prefix + TIMESTAMP_ZONE);
    if (zone != null) {
      m = m.withTimestampZone(ZoneId.of(zone));
    }
    String missing = config.getString(prefix + TIMESTAMP_MISSING);
    if (missing != null) {
      m = m.withMissingTimestamp(PayloadMapping.MissingTimestamp.valueOf(missing.toUpperCase(Locale.ROOT)));
    }
    String root = config.getString(prefix + METRICS_ROOT);
    if (root != null) {
      m = m.withMetricsRoot(root);
    }
    List<String> include = config.getList(prefix + METRICS_INCLUDE);
    if (include != null) {
      m = m.withInclude(include);
    }
    List<String> exclude = config.getList(prefix + METRICS_EXCLUDE);
    if (exclude != null) {
      m = m.withExclude(exclude);
    }
    String arrays = config.getString(prefix + ARRAYS);
    if (arrays != null) {
      m = m.withArrays(PayloadMapping.ArrayMode.valueOf(arrays.toUpperCase(Locale.ROOT)));
    }
    String strings = config.getString(prefix + STRINGS);
    if (strings != null) {
      m = m.withStrings(PayloadMapping.StringMode.valueOf(strings.toUpperCase(Locale.ROOT)));
    }
    return options.withMapping(m);
  }

  /** {@code base} with mapping keys given without a prefix ({@code preset=tasmota}, {@code timestamp.zone=Europe/Berlin}). */
  public static ParserOptions apply(ParserOptions base, Map<String, String> settings) {
    ConfigDef def = define(new ConfigDef(), "");
    AbstractConfig config = new AbstractConfig(def, settings, List.of()) {};
    return apply(base, config, "");
  }

  private static void validZone(String key, Object value) {
    if (value == null) {
      return;
    }
    try {
      ZoneId.of(value.toString());
    } catch (DateTimeException e) {
      throw VigilErrors.invalidConfigValue(key, value.toString(), "a time zone such as UTC, Europe/Berlin or +01:00");
    }
  }
}
