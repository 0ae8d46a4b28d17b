package io.vigil.bridge;

import io.vigil.bridge.internal.Route;
import io.vigil.common.VigilErrors;
import io.vigil.common.config.AbstractConfig;
import io.vigil.common.config.ConfigDef;
import io.vigil.common.config.ConfigDef.Type;
import io.vigil.common.config.Validator;
import io.vigil.schemas.ParserOptions;
import io.vigil.schemas.PayloadMapping;
import io.vigil.schemas.PayloadMappingConfig;
import io.vigil.schemas.SparkplugB;
import io.vigil.schemas.TelemetryParser;
import io.vigil.schemas.TopicLayout;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The settings of one mapping rule, {@code routes.<name>.*}, after Kafka Connect's
 * {@code transforms.<name>.*}: keys carry their full name, so an error names the exact key to fix.
 *
 * <pre>
 * routes=alarms,status2,z2m
 * routes.alarms.filters=sites/+/alarms/#
 * routes.alarms.qos=2
 * routes.alarms.kafka.topic=site.alarms
 * routes.alarms.topic.layout=sites/{deviceId}/alarms/#
 * routes.status2.format=raw
 * routes.status2.filters=legacy/+/state
 * routes.status2.kafka.topic=vigil.device.status
 * routes.status2.key.from=payload
 * routes.status2.key.field=serial
 * routes.z2m.filters=zigbee2mqtt/+,zigbee2mqtt/+/availability
 * routes.z2m.preset=zigbee2mqtt
 * routes.plant.preset=sparkplug-b
 * </pre>
 */
final class RouteConfig extends AbstractConfig {
  static final String PREFIX = "routes.";
  static final String FILTERS = "filters";
  static final String QOS = "qos";
  static final String FORMAT = "format";
  static final String KAFKA_TOPIC = "kafka.topic";
  static final String TOPIC_LAYOUT = "topic.layout";
  static final String KEY_FROM = "key.from";
  static final String KEY_FIELD = "key.field";

  private final String name;
  private final String prefix;

  private RouteConfig(String name, Map<String, String> raw) {
    super(definition(name), raw, List.of());
    this.name = name;
    this.prefix = PREFIX + name + ".";
  }

  static ConfigDef definition(String name) {
    String p = PREFIX + name + ".";
    return PayloadMappingConfig.define(new ConfigDef()
        .define(p + FILTERS, Type.LIST, null, BridgeConfig::validFilters,
            "MQTT topic filters of this route (comma-separated; $share/<group>/<filter> to share the load). Required, except with"
                + " a preset, whose topics are the default (zigbee2mqtt: zigbee2mqtt/+ and zigbee2mqtt/+/availability; sparkplug-b:"
                + " the N/D BIRTH, DATA and DEATH topics of spBv1.0).")
        .define(p + QOS, Type.INT, null, Validator.between(0, 2),
            "Subscription QoS of this route's filters; defaults to " + BridgeConfig.MQTT_QOS + ". 1 or 2 give at-least-once end to end.")
        .define(p + FORMAT, Type.STRING, "telemetry", Validator.oneOf("telemetry", "raw"),
            "telemetry: checked by the shared parser, refusals dead-lettered; raw: forwarded byte for byte.")
        .define(p + KAFKA_TOPIC, Type.STRING, null,
            "Kafka topic of this route; telemetry routes default to " + BridgeConfig.KAFKA_TOPIC + ", raw routes must set it.")
        .define(p + TOPIC_LAYOUT, Type.STRING, null, TopicLayout.validator(),
            "Where the device id (and a {metric} segment) sits in this route's topics, such as sites/{deviceId}/alarms (several {deviceId} segments: one id "
                + "joined with :, such as alice:phone for owntracks/{deviceId}/{deviceId}); defaults to "
                + "the route's preset's, else " + BridgeConfig.TOPIC_LAYOUT + ".")
        .define(p + KEY_FROM, Type.STRING, null, Validator.oneOf("topic", "payload", "topic_or_payload"),
            "Where the record key (the device id) comes from: a topic segment (the layout's {deviceId}), a payload field, "
                + "or either (telemetry only; a conflict is refused). Defaults to " + BridgeConfig.DEVICE_ID_FROM
                + " for telemetry, topic for raw.")
        .define(p + KEY_FIELD, Type.STRING, null,
            "The payload field (or dotted path) holding the device id when the key comes from the payload; defaults to the preset's, "
                + "else " + BridgeConfig.DEVICE_ID_FIELD + "."), p);
  }

  /** The route named {@code name} from the bridge's raw settings. */
  static Route build(String name, Map<String, String> allRaw, BridgeConfig base) {
    String p = PREFIX + name + ".";
    Map<String, String> own = new HashMap<>();
    allRaw.forEach((k, v) -> {
      if (k.startsWith(p)) {
        own.put(k, v);
      }
    });
    return new RouteConfig(name, own).toRoute(base);
  }

  private Route toRoute(BridgeConfig base) {
    Integer qosValue = (Integer) get(prefix + QOS);
    int qos = qosValue == null ? base.qos() : qosValue;
    boolean raw = "raw".equals(getString(prefix + FORMAT));
    ParserOptions options = PayloadMappingConfig.apply(base.parserOptions(), this, prefix);
    boolean sparkplug = options.mapping().format() == PayloadMapping.Format.SPARKPLUG_B;
    if (sparkplug && raw) {
      throw VigilErrors.invalidConfigValue(prefix + FORMAT, "raw", "telemetry (the " + SparkplugB.PRESET + " preset decodes its payloads)");
    }
    String topic = getString(prefix + KAFKA_TOPIC);
    if (topic == null || topic.isBlank()) {
      if (raw) {
        throw VigilErrors.missingConfig(prefix + KAFKA_TOPIC, "A raw route has no default topic: name the Kafka topic its messages go to.");
      }
      topic = base.telemetryTopic();
    }
    String layoutText = getString(prefix + TOPIC_LAYOUT);
    TopicLayout layout = layoutText == null ? options.topicLayout() : TopicLayout.of(layoutText);
    String keyFrom = getString(prefix + KEY_FROM);
    String keyField = getString(prefix + KEY_FIELD);
    if (raw) {
      if ("topic_or_payload".equals(keyFrom)) {
        throw VigilErrors.invalidConfigValue(prefix + KEY_FROM, keyFrom, "topic or payload (a raw route is not parsed, so it cannot check the two agree)");
      }
      boolean fromPayload = "payload".equals(keyFrom);
      return new Route(name, filters(options), qos, Route.Format.RAW, topic, null, fromPayload ? null : layout,
          fromPayload ? (keyField == null ? options.deviceIdField() : keyField) : null);
    }
    if (sparkplug) {
      // The topic is Sparkplug's own layout; the decoder reads group, node and device from it.
      return new Route(name, filters(options), qos, Route.Format.TELEMETRY, topic, new TelemetryParser(options), null, null);
    }
    options = options.withTopicLayout(layout);
    if (keyFrom != null) {
      options = options.withDeviceIdSource(ParserOptions.DeviceIdSource.valueOf(keyFrom.toUpperCase(Locale.ROOT)));
    }
    if (keyField != null) {
      options = options.withDeviceIdField(keyField);
    }
    return new Route(name, filters(options), qos, Route.Format.TELEMETRY, topic, new TelemetryParser(options), null, null);
  }

  /** The route's filters; unset, its preset's topics (a route with neither names no topics: refused). */
  private List<String> filters(ParserOptions options) {
    List<String> filters = getList(prefix + FILTERS);
    if (filters != null && !filters.isEmpty()) {
      return filters;
    }
    String preset = getString(prefix + PayloadMappingConfig.PRESET);
    // auto reads whatever a filter brings; it has no topics of its own.
    if (preset == null || preset.equals("auto")) {
      throw VigilErrors.missingConfig(prefix + FILTERS,
          "Name the MQTT topic filters this route subscribes to, such as sites/+/telemetry, or set " + prefix
              + PayloadMappingConfig.PRESET + " to take a device family's topics.");
    }
    return options.subscriptionFilters();
  }

  @Override
  public String toString() {
    return name + ": " + super.toString();
  }
}
