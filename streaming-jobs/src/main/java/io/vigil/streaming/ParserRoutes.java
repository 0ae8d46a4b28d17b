package io.vigil.streaming;

import io.vigil.common.VigilErrors;
import io.vigil.common.config.AbstractConfig;
import io.vigil.common.config.ConfigDef;
import io.vigil.common.config.ConfigDef.Type;
import io.vigil.common.config.ConfigSources;
import io.vigil.common.config.Validator;
import io.vigil.schemas.ParserOptions;
import io.vigil.schemas.PayloadMappingConfig;
import io.vigil.schemas.TelemetryParser;
import io.vigil.schemas.TopicLayout;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The streaming job's parser per bridge route: the same mapping keys as the bridge's
 * {@code routes.<name>.*}, under {@code parser.routes.<name>.*}, so a record is read with the
 * mapping of the route that took it (header {@code vigil.bridge.route}).
 *
 * <p>Routes are best written once: {@code parser.bridge.config=conf/bridge.properties} reads them
 * from the bridge's own file (its telemetry routes and their mapping keys, and its {@code parser.*}
 * defaults, which the job's own {@code parser.*} keys override). The keys that say where a message
 * goes ({@code filters}, {@code qos}, {@code format}, {@code kafka.topic}) are the bridge's alone
 * and not read; raw routes are skipped, their messages are never parsed.
 */
final class ParserRoutes {
  static final String PREFIX = "parser.routes.";
  static final String TOPIC_LAYOUT = "topic.layout";
  static final String KEY_FROM = "key.from";
  static final String KEY_FIELD = "key.field";
  /** Keys of a bridge route that route a message rather than read it. */
  static final Set<String> BRIDGE_ONLY_KEYS = Set.of("filters", "qos", "format", "kafka.topic");

  private ParserRoutes() {}

  /** The keys of one route, {@code parser.routes.<name>.*}: the bridge route's mapping keys. */
  static ConfigDef definition(String name) {
    String p = PREFIX + name + ".";
    return PayloadMappingConfig.define(new ConfigDef()
        .define(p + TOPIC_LAYOUT, Type.STRING, null, TopicLayout.validator(),
            "Where the device id (and a {metric} segment) sits in this route's MQTT topics, as the bridge route's"
                + " topic.layout (several {deviceId} segments: one id joined with :); defaults to the route's preset's, else " + StreamingJobConfig.PARSER_TOPIC_LAYOUT + ".")
        .define(p + KEY_FROM, Type.STRING, null, Validator.oneOf("topic", "payload", "topic_or_payload"),
            "Where the device id comes from, as the bridge route's key.from; defaults to the route's preset's, else "
                + StreamingJobConfig.PARSER_DEVICE_ID_FROM + ".")
        .define(p + KEY_FIELD, Type.STRING, null,
            "The payload field (or dotted path) holding the device id, as the bridge route's key.field; defaults to the"
                + " preset's, else " + StreamingJobConfig.PARSER_DEVICE_ID_FIELD + "."), p);
  }

  /**
   * The raw settings with the bridge's routes and parser defaults filled in from
   * {@code parser.bridge.config}, if set. Routes in both places would be two truths that drift
   * apart: refused.
   */
  static Map<String, String> withBridgeRoutes(Map<String, String> raw) {
    String file = raw.get(StreamingJobConfig.PARSER_BRIDGE_CONFIG);
    if (file == null || file.isBlank()) {
      return raw;
    }
    for (String key : raw.keySet()) {
      if (key.equals(StreamingJobConfig.PARSER_ROUTES) || key.startsWith(PREFIX)) {
        throw VigilErrors.invalidConfigValue(key, raw.get(key), "nothing while " + StreamingJobConfig.PARSER_BRIDGE_CONFIG
            + " is set: the routes come from the bridge's file (" + file.trim() + "); remove " + key
            + ", or remove " + StreamingJobConfig.PARSER_BRIDGE_CONFIG + " and list the routes here");
      }
    }
    Map<String, String> bridge = ConfigSources.readProperties(Path.of(file.trim()));
    Map<String, String> out = new LinkedHashMap<>();
    // The bridge's parser.* keys the job defines as well (preset, mapping, layout, device id, strict, size).
    Set<String> shared = new java.util.HashSet<>();
    StreamingJobConfig.DEFINITION.keys().forEach(k -> shared.add(k.name()));
    bridge.forEach((k, v) -> {
      if (k.startsWith(StreamingJobConfig.PARSER_PREFIX) && shared.contains(k)) {
        out.put(k, v);
      }
    });
    out.putAll(raw); // the job's own parser.* keys win
    List<String> names = new ArrayList<>();
    for (String name : names(bridge.getOrDefault("routes", ""))) {
      String p = "routes." + name + ".";
      if ("raw".equalsIgnoreCase(bridge.getOrDefault(p + "format", "").trim())) {
        continue;
      }
      names.add(name);
      bridge.forEach((k, v) -> {
        if (k.startsWith(p) && !BRIDGE_ONLY_KEYS.contains(k.substring(p.length()))) {
          out.put(PREFIX + name + "." + k.substring(p.length()), v);
        }
      });
    }
    out.put(StreamingJobConfig.PARSER_ROUTES, String.join(",", names));
    return out;
  }

  /**
   * One parser per route name, each on {@code base} with its route's keys applied.
   *
   * @param routeKeys the keys under {@value #PREFIX}, prefix removed
   */
  static Map<String, TelemetryParser> parsers(List<String> names, Map<String, String> routeKeys, ParserOptions base) {
    Map<String, String> byRoute = new HashMap<>();
    routeKeys.forEach((k, v) -> byRoute.put(PREFIX + k, v));
    for (String key : byRoute.keySet()) {
      String rest = key.substring(PREFIX.length());
      int dot = rest.indexOf('.');
      String name = dot < 0 ? rest : rest.substring(0, dot);
      if (!names.contains(name)) {
        throw VigilErrors.unknownConfigKey(key, StreamingJobConfig.PARSER_ROUTES + "="
            + String.join(",", names) + (names.isEmpty() ? "" : ",") + name);
      }
    }
    Map<String, TelemetryParser> parsers = new LinkedHashMap<>();
    for (String name : names) {
      if (!name.matches("[A-Za-z0-9_-]+")) {
        throw VigilErrors.invalidConfigValue(StreamingJobConfig.PARSER_ROUTES, name,
            "route names of letters, digits, _ and -, as the bridge's routes");
      }
      String p = PREFIX + name + ".";
      Map<String, String> own = new HashMap<>();
      byRoute.forEach((k, v) -> {
        if (k.startsWith(p)) {
          own.put(k, v);
        }
      });
      parsers.put(name, new TelemetryParser(new Route(name, own).options(base)));
    }
    return parsers;
  }

  private static List<String> names(String list) {
    List<String> out = new ArrayList<>();
    for (String n : list.split(",")) {
      if (!n.isBlank()) {
        out.add(n.trim());
      }
    }
    return out;
  }

  /** One route's keys, typed and validated, so an error names the exact key. */
  private static final class Route extends AbstractConfig {
    private final String prefix;

    Route(String name, Map<String, String> raw) {
      super(ParserRoutes.definition(name), raw, List.of());
      this.prefix = PREFIX + name + ".";
    }

    ParserOptions options(ParserOptions base) {
      ParserOptions options = PayloadMappingConfig.apply(base, this, prefix);
      String layout = getString(prefix + TOPIC_LAYOUT);
      if (layout != null) {
        options = options.withTopicLayout(TopicLayout.of(layout));
      }
      String keyFrom = getString(prefix + KEY_FROM);
      if (keyFrom != null) {
        options = options.withDeviceIdSource(ParserOptions.DeviceIdSource.valueOf(keyFrom.toUpperCase(Locale.ROOT)));
      }
      String keyField = getString(prefix + KEY_FIELD);
      if (keyField != null) {
        options = options.withDeviceIdField(keyField);
      }
      return options;
    }
  }
}
