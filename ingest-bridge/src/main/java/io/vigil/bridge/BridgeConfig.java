package io.vigil.bridge;

import io.vigil.bridge.internal.LinkSettings;
import io.vigil.bridge.internal.MqttTls;
import io.vigil.bridge.internal.Route;
import io.vigil.bridge.internal.Routes;
import io.vigil.bridge.internal.TopicFilter;
import io.vigil.common.config.AbstractConfig;
import io.vigil.common.config.ConfigDef;
import io.vigil.common.config.ConfigDef.Type;
import io.vigil.common.config.Password;
import io.vigil.common.config.Validator;
import io.vigil.schemas.ParserOptions;
import io.vigil.schemas.PayloadMappingConfig;
import io.vigil.schemas.TopicLayout;
import io.vigil.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Every setting of the MQTT-to-Kafka bridge. Keys under {@code kafka.producer.} are passed to the
 * Kafka producer as they are (security settings, say), except those the bridge's guarantees depend on.
 */
public final class BridgeConfig extends AbstractConfig {
  public static final String MQTT_URL = "mqtt.url";
  public static final String MQTT_VERSION = "mqtt.version";
  public static final String MQTT_SESSION_EXPIRY = "mqtt.session.expiry";
  public static final String ROUTES = "routes";
  public static final String DEVICE_ID_FROM = "parser.device.id.from";
  public static final String DEVICE_ID_FIELD = "parser.device.id.field";
  public static final String MQTT_CLIENT_ID = "mqtt.client.id";
  public static final String MQTT_FILTERS = "mqtt.filters";
  public static final String MQTT_QOS = "mqtt.qos";
  public static final String MQTT_USERNAME = "mqtt.username";
  public static final String MQTT_PASSWORD = "mqtt.password";
  public static final String MQTT_PERSISTENCE_DIR = "mqtt.persistence.dir";
  public static final String MQTT_KEEPALIVE = "mqtt.keepalive";
  public static final String MQTT_RECONNECT_MAX_DELAY = "mqtt.reconnect.max.delay";
  public static final String KAFKA_BOOTSTRAP = "kafka.bootstrap.servers";
  public static final String KAFKA_TOPIC = "topics.telemetry";
  public static final String KAFKA_DEADLETTER_TOPIC = "topics.deadletter";
  public static final String TOPIC_LAYOUT = "parser.topic.layout";
  public static final String PARSER_STRICT = "parser.strict";
  public static final String PARSER_MAX_PAYLOAD_BYTES = "parser.max.payload.bytes";
  public static final String INFLIGHT_MAX_MESSAGES = "inflight.max.messages";
  public static final String INFLIGHT_MAX_BYTES = "inflight.max.bytes";
  public static final String SEND_RETRY_BACKOFF = "send.retry.backoff";
  public static final String SHUTDOWN_TIMEOUT = "shutdown.timeout";
  public static final String INSTANCE_ID = "instance.id";
  public static final String METRICS_PORT = "metrics.port";
  public static final String METRICS_BIND_ADDRESS = "metrics.bind.address";
  public static final String SPARKPLUG_REBIRTH = "sparkplug.rebirth.on.unknown.alias";
  public static final String PRODUCER_PREFIX = "kafka.producer.";
  public static final String MQTT_TLS_CA_FILE = MqttTls.CA_FILE;
  public static final String MQTT_TLS_CERT_FILE = MqttTls.CERT_FILE;
  public static final String MQTT_TLS_KEY_FILE = MqttTls.KEY_FILE;
  public static final String MQTT_TLS_TRUSTSTORE_FILE = MqttTls.TRUSTSTORE_FILE;
  public static final String MQTT_TLS_TRUSTSTORE_PASSWORD = MqttTls.TRUSTSTORE_PASSWORD;
  public static final String MQTT_TLS_KEYSTORE_FILE = MqttTls.KEYSTORE_FILE;
  public static final String MQTT_TLS_KEYSTORE_PASSWORD = MqttTls.KEYSTORE_PASSWORD;
  public static final String MQTT_TLS_HOSTNAME_VERIFICATION = MqttTls.HOSTNAME_VERIFICATION;
  public static final String MQTT_STATUS_FILTERS = "mqtt.status.filters";
  public static final String STATUS_TOPIC_LAYOUT = "parser.status.topic.layout";
  public static final String KAFKA_STATUS_TOPIC = "topics.device.status";

  /** The payload-mapping keys of the default route (and every route's inherited mapping): parser.preset, parser.timestamp.*... */
  public static final String PARSER_PREFIX = "parser.";

  public static final ConfigDef DEFINITION = PayloadMappingConfig.define(new ConfigDef()
      .define(MQTT_URL, Type.STRING, "tcp://127.0.0.1:11883", Validator.matches("(tcp|ssl|ws|wss)://.+", "a tcp://, ssl://, ws:// or wss:// URL"),
          "MQTT broker to subscribe to. Defaults to the local stack's broker.")
      .define(MQTT_VERSION, Type.STRING, "3.1.1", Validator.oneOf("3.1.1", "5"),
          "MQTT protocol version. 5 adds Receive Maximum (the broker sends at most inflight.max.messages unacknowledged "
              + "messages, where the broker honours it) and a session expiry.")
      .define(MQTT_SESSION_EXPIRY, Type.DURATION, null, Validator.positiveDuration(),
          "MQTT 5 only: how long the broker keeps this bridge's session and queued messages while it is away. "
              + "Unset: never expires, as a 3.1.1 persistent session. Messages queued for an expired session are lost.")
      .define(MQTT_CLIENT_ID, Type.STRING, "vigil-bridge-1", Validator.matches("[A-Za-z0-9._-]{1,64}", "1 to 64 letters, digits, . _ -"),
          "Stable MQTT client id. The broker keeps this id's persistent session (and queued messages) across restarts, so keep it fixed per instance.")
      .define(MQTT_FILTERS, Type.LIST, List.of("devices/+/telemetry"), Validator.nonEmpty(),
          "Comma-separated MQTT topic filters to bridge. Use $share/<group>/<filter> to share the load across instances. "
              + "Unset with parser.preset: the preset's topics (such as zigbee2mqtt/+ and zigbee2mqtt/+/availability).")
      .define(MQTT_QOS, Type.INT, 1, Validator.between(0, 2),
          "Subscription QoS of mqtt.filters and mqtt.status.filters, and the default of routes.<name>.qos. "
              + "1 or 2 give at-least-once end to end; 0 lets the broker drop messages.")
      .define(ROUTES, Type.LIST, List.of(),
          "Names of mapping rules (routes.<name>.filters, .qos, .format, .kafka.topic, .topic.layout, .key.from, .key.field, .preset and "
              + "the payload-mapping keys), "
              + "each taking its MQTT filters to a Kafka topic at its own QoS. Set, they replace mqtt.filters.")
      .define(DEVICE_ID_FROM, Type.STRING, null, Validator.oneOf("topic", "payload", "topic_or_payload"),
          "Where the device id (the record key) of telemetry comes from: the topic layout's {deviceId} segment, the payload "
              + "field parser.device.id.field, or either (a conflict is refused). Unset: the preset's (topic_or_payload for vigil). "
              + "Give the streaming job the same setting.")
      .define(DEVICE_ID_FIELD, Type.STRING, null,
          "Payload field or dotted path holding the device id, when the payload carries one (end_device_ids.device_id). "
              + "Unset: the preset's (deviceId for vigil).")
      .define(MQTT_USERNAME, Type.STRING, null, "MQTT user name, if the broker requires one.")
      .define(MQTT_PASSWORD, Type.PASSWORD, null, "MQTT password: env:NAME or file:/path (never logged).")
      .define(MQTT_PERSISTENCE_DIR, Type.PATH, Path.of(System.getProperty("java.io.tmpdir"), "vigil-bridge"),
          "Directory for Paho's file persistence of in-flight MQTT state.")
      .define(MQTT_KEEPALIVE, Type.DURATION, Duration.ofSeconds(30), Validator.positiveDuration(), "MQTT keep-alive interval.")
      .define(MQTT_RECONNECT_MAX_DELAY, Type.DURATION, Duration.ofSeconds(30), Validator.positiveDuration(),
          "Longest wait between reconnect attempts (the backoff doubles up to this, with jitter).")
      .define(KAFKA_BOOTSTRAP, Type.STRING, "127.0.0.1:19092", Validator.nonEmpty(), "Kafka bootstrap servers. Defaults to the local stack's broker.")
      .define(KAFKA_TOPIC, Type.STRING, Topics.TELEMETRY, Validator.nonEmpty(), "Kafka topic for accepted telemetry.")
      .define(KAFKA_DEADLETTER_TOPIC, Type.STRING, Topics.DEAD_LETTER, Validator.nonEmpty(),
          "Kafka topic for messages the edge checks refuse; the reason travels in headers.")
      .define(TOPIC_LAYOUT, Type.STRING, null, TopicLayout.validator(),
          "Where the device id sits in the MQTT topic, such as devices/{deviceId}/telemetry; a {metric} segment names the metric "
              + "of bare-value payloads (ESPHome's {deviceId}/+/{metric}/state); several {deviceId} segments make one id joined with : "
              + "(owntracks/{deviceId}/{deviceId} reads owntracks/alice/phone as alice:phone). Unset: the preset's (devices/{deviceId}/telemetry for vigil).")
      .define(PARSER_STRICT, Type.BOOLEAN, true, "Refuse a whole message when one metric is bad (true) or keep its good metrics (false).")
      .define(PARSER_MAX_PAYLOAD_BYTES, Type.INT, ParserOptions.DEFAULT_MAX_PAYLOAD_BYTES, Validator.between(64, 16 * 1024 * 1024),
          "Larger payloads go to the dead-letter topic.")
      .define(INFLIGHT_MAX_MESSAGES, Type.INT, 20_000, Validator.between(1, 65_535),
          "Most messages received but not yet acknowledged. At the limit the bridge stops taking messages and the broker holds them. "
              + "At most 65535: MQTT packet ids are 16 bits, and a broker that sent more unacknowledged messages would reuse ids "
              + "(Mosquitto 2.0 does not always keep to its own max_inflight_messages). With MQTT 5 it is also the Receive Maximum.")
      .define(INFLIGHT_MAX_BYTES, Type.LONG, 64L * 1024 * 1024, Validator.between(1024, Long.MAX_VALUE),
          "Most payload bytes received but not yet acknowledged.")
      .define(SEND_RETRY_BACKOFF, Type.DURATION, Duration.ofSeconds(1), Validator.positiveDuration(),
          "Wait before re-sending a record Kafka failed to take. Failed records are retried, never dropped.")
      .define(SHUTDOWN_TIMEOUT, Type.DURATION, Duration.ofSeconds(30), Validator.positiveDuration(),
          "How long a graceful stop waits for in-flight messages to reach Kafka and be acknowledged.")
      .define(INSTANCE_ID, Type.STRING, null, "Name of this bridge instance in record headers; defaults to the MQTT client id.")
      .define(MQTT_TLS_CA_FILE, Type.PATH, null, readableFile(),
          "PEM file of the CA certificate(s) the MQTT broker's certificate must chain to (ssl:// URLs). Unset: the JVM's default trust store.")
      .define(MQTT_TLS_CERT_FILE, Type.PATH, null, readableFile(),
          "PEM file of the bridge's client certificate chain for mutual TLS; needs " + MqttTls.KEY_FILE + ".")
      .define(MQTT_TLS_KEY_FILE, Type.PATH, null, readableFile(),
          "PEM file of the client certificate's private key, unencrypted PKCS#8 (BEGIN PRIVATE KEY); keep it readable by the bridge's user only.")
      .define(MQTT_TLS_TRUSTSTORE_FILE, Type.PATH, null, readableFile(),
          "PKCS12 or JKS trust store instead of " + MqttTls.CA_FILE + ".")
      .define(MQTT_TLS_TRUSTSTORE_PASSWORD, Type.PASSWORD, null, "Trust store password: env:NAME or file:/path (never logged).")
      .define(MQTT_TLS_KEYSTORE_FILE, Type.PATH, null, readableFile(),
          "PKCS12 or JKS key store with the client certificate and key for mutual TLS, instead of the PEM files.")
      .define(MQTT_TLS_KEYSTORE_PASSWORD, Type.PASSWORD, null,
          "Key store password (also the key's): env:NAME or file:/path (never logged).")
      .define(MQTT_TLS_HOSTNAME_VERIFICATION, Type.BOOLEAN, true,
          "Check that the broker's certificate names the host in mqtt.url. Turn off only for testing.")
      .define(MQTT_STATUS_FILTERS, Type.LIST, List.of("devices/+/status"), BridgeConfig::validFilters,
          "MQTT topic filters of device status messages (birth, last will), forwarded as they are to " + KAFKA_STATUS_TOPIC
              + ", never parsed as telemetry. Empty disables status forwarding.")
      .define(STATUS_TOPIC_LAYOUT, Type.STRING, "devices/{deviceId}/status", TopicLayout.validator(),
          "Where the device id sits in a status topic; it becomes the status record's key.")
      .define(KAFKA_STATUS_TOPIC, Type.STRING, Topics.DEVICE_STATUS, Validator.nonEmpty(), "Kafka topic for device status messages.")
      .define(METRICS_PORT, Type.INT, 9464, Validator.between(0, 65535),
          "Port for /metrics (Prometheus) and /health/live, /health/ready. 0 turns the endpoints off.")
      .define(METRICS_BIND_ADDRESS, Type.STRING, "127.0.0.1", Validator.nonEmpty(),
          "Address the metrics and health endpoints listen on; 0.0.0.0 to let a scraper on another host in.")
      .define(SPARKPLUG_REBIRTH, Type.BOOLEAN, false,
          "Sparkplug B routes: when a DATA message uses a metric alias no BIRTH seen by this bridge defines (it started after"
              + " the BIRTH), publish a rebirth request (NCMD 'Node Control/Rebirth'=true, QoS 0) to that edge node, at most"
              + " once a minute per node. Off by default: it writes to the plant's command topics, which needs the broker's"
              + " permission and the operators' consent. Either way such DATA is dead-lettered as UNKNOWN_ALIAS."), PARSER_PREFIX);

  /** The keys of one mapping rule, {@code routes.<name>.*}: for generated documentation. */
  public static ConfigDef routeDefinition(String name) {
    return RouteConfig.definition(name);
  }

  /** Producer settings the at-least-once guarantee rests on; user overrides of these are refused. */
  static final Set<String> PINNED_PRODUCER_KEYS = Set.of("acks", "enable.idempotence", "key.serializer", "value.serializer");

  public BridgeConfig(Map<String, String> raw) {
    super(DEFINITION, raw, List.of(PRODUCER_PREFIX, RouteConfig.PREFIX));
    for (String key : originalsWithPrefix(PRODUCER_PREFIX).keySet()) {
      if (PINNED_PRODUCER_KEYS.contains(key)) {
        throw io.vigil.common.VigilErrors.invalidConfigValue(PRODUCER_PREFIX + key, originalsWithPrefix(PRODUCER_PREFIX).get(key),
            "no override: the bridge sets " + key + " itself (acks=all, idempotence on) so nothing acknowledged is lost");
      }
    }
    this.parserOptions = buildParserOptions();
    TopicLayout.of(getString(STATUS_TOPIC_LAYOUT));
    validFilters(MQTT_FILTERS, filters());
    this.tlsSocketFactory = MqttTls.validateAndBuild(mqttUrl(), tlsSettings());
    this.routes = buildRoutes(raw);
  }

  private final Routes routes;
  private final ParserOptions parserOptions;

  /**
   * The default route (mqtt.filters as telemetry) or the configured mapping rules, plus the raw
   * status route; every filter belongs to exactly one route.
   */
  private Routes buildRoutes(Map<String, String> raw) {
    List<Route> list = new java.util.ArrayList<>();
    List<String> names = getList(ROUTES);
    for (String name : names) {
      if (!name.matches("[A-Za-z0-9_-]+") || name.equals("status")) {
        throw io.vigil.common.VigilErrors.invalidConfigValue(ROUTES, name,
            "route names of letters, digits, _ and - (and not 'status', the name of the status route)");
      }
    }
    for (String key : raw.keySet()) {
      if (key.startsWith(RouteConfig.PREFIX)) {
        String rest = key.substring(RouteConfig.PREFIX.length());
        int dot = rest.indexOf('.');
        String name = dot < 0 ? rest : rest.substring(0, dot);
        if (!names.contains(name)) {
          throw io.vigil.common.VigilErrors.unknownConfigKey(key,
              names.isEmpty() ? ROUTES + "=" + name : ROUTES + "=" + String.join(",", names) + "," + name);
        }
      }
    }
    if (names.isEmpty()) {
      list.add(new Route("telemetry", defaultRouteFilters(raw), qos(), Route.Format.TELEMETRY, telemetryTopic(),
          new io.vigil.schemas.TelemetryParser(parserOptions()), null, null));
    } else {
      if (raw.containsKey(MQTT_FILTERS)) {
        throw io.vigil.common.VigilErrors.invalidConfigValue(MQTT_FILTERS, raw.get(MQTT_FILTERS),
            "nothing while " + ROUTES + " is set (the routes' own filters replace it); move these filters into a route");
      }
      for (String name : names) {
        list.add(RouteConfig.build(name, raw, this));
      }
    }
    if (!statusFilters().isEmpty()) {
      list.add(new Route("status", statusFilters(), qos(), Route.Format.RAW, statusTopic(), null, statusTopicLayout(), null));
    }
    java.util.Map<String, String> owner = new java.util.HashMap<>();
    for (Route r : list) {
      for (String f : r.filters()) {
        String previous = owner.putIfAbsent(f, r.name());
        if (previous != null) {
          throw io.vigil.common.VigilErrors.invalidConfigValue(r.name().equals("status") ? MQTT_STATUS_FILTERS
                  : names.isEmpty() ? MQTT_FILTERS : RouteConfig.PREFIX + r.name() + "." + RouteConfig.FILTERS, f,
              "a filter that no other route has (it is already in route '" + previous + "'; a message is either telemetry or status)");
        }
      }
    }
    return new Routes(list);
  }

  /**
   * mqtt.filters as set; unset with a parser.preset, the preset's topics (its layout and its status
   * topics), so one line connects a family.
   */
  private List<String> defaultRouteFilters(Map<String, String> raw) {
    if (raw.containsKey(MQTT_FILTERS) || getString(PARSER_PREFIX + PayloadMappingConfig.PRESET) == null) {
      return filters();
    }
    return parserOptions.subscriptionFilters();
  }

  /** The mapping rules, raw (status) routes first. */
  public Routes routes() {
    return routes;
  }

  private final javax.net.ssl.SSLSocketFactory tlsSocketFactory;

  private static Validator readableFile() {
    return new Validator() {
      @Override
      public void ensureValid(String key, Object value) {
        if (value != null && !(java.nio.file.Files.isRegularFile((Path) value) && java.nio.file.Files.isReadable((Path) value))) {
          throw io.vigil.common.VigilErrors.invalidConfigValue(key, value.toString(), "a readable file (check the path and its permissions)");
        }
      }

      @Override
      public String describe() {
        return "readable file";
      }
    };
  }

  static void validFilters(String key, Object value) {
    if (value == null) {
      return; // a route without filters of its own: its preset gives them, or RouteConfig names the key
    }
    for (Object f : (List<?>) value) {
      String problem = TopicFilter.problem(f.toString());
      if (problem != null) {
        throw io.vigil.common.VigilErrors.invalidConfigValue(key, f.toString(), "an MQTT topic filter (" + problem + ")");
      }
    }
  }

  public String mqttUrl() { return getString(MQTT_URL); }
  public String clientId() { return getString(MQTT_CLIENT_ID); }
  public List<String> filters() { return getList(MQTT_FILTERS); }
  public int qos() { return getInt(MQTT_QOS); }
  public String username() { return getString(MQTT_USERNAME); }
  public Password password() { return getPassword(MQTT_PASSWORD); }
  public Path persistenceDir() { return getPath(MQTT_PERSISTENCE_DIR); }
  public Duration keepAlive() { return getDuration(MQTT_KEEPALIVE); }
  public Duration reconnectMaxDelay() { return getDuration(MQTT_RECONNECT_MAX_DELAY); }
  public String bootstrapServers() { return getString(KAFKA_BOOTSTRAP); }
  public String telemetryTopic() { return getString(KAFKA_TOPIC); }
  public String deadLetterTopic() { return getString(KAFKA_DEADLETTER_TOPIC); }
  public int maxInFlightMessages() { return getInt(INFLIGHT_MAX_MESSAGES); }
  public long maxInFlightBytes() { return getLong(INFLIGHT_MAX_BYTES); }
  public Duration sendRetryBackoff() { return getDuration(SEND_RETRY_BACKOFF); }
  public Duration shutdownTimeout() { return getDuration(SHUTDOWN_TIMEOUT); }
  public int metricsPort() { return getInt(METRICS_PORT); }
  public boolean sparkplugRebirth() { return getBoolean(SPARKPLUG_REBIRTH); }
  public String metricsBindAddress() { return getString(METRICS_BIND_ADDRESS); }

  public List<String> statusFilters() { return getList(MQTT_STATUS_FILTERS); }
  public TopicLayout statusTopicLayout() { return TopicLayout.of(getString(STATUS_TOPIC_LAYOUT)); }
  public String statusTopic() { return getString(KAFKA_STATUS_TOPIC); }

  public MqttTls.Settings tlsSettings() {
    return new MqttTls.Settings(getPath(MQTT_TLS_CA_FILE), getPath(MQTT_TLS_CERT_FILE), getPath(MQTT_TLS_KEY_FILE),
        getPath(MQTT_TLS_TRUSTSTORE_FILE), getPassword(MQTT_TLS_TRUSTSTORE_PASSWORD), getPath(MQTT_TLS_KEYSTORE_FILE),
        getPassword(MQTT_TLS_KEYSTORE_PASSWORD), getBoolean(MQTT_TLS_HOSTNAME_VERIFICATION));
  }

  /** The socket factory for an ssl:// or wss:// broker, built and checked when the config was; null otherwise. */
  javax.net.ssl.SSLSocketFactory tlsSocketFactory() { return tlsSocketFactory; }

  public String instanceId() {
    String id = getString(INSTANCE_ID);
    return id == null ? clientId() : id;
  }

  public String mqttVersion() { return getString(MQTT_VERSION); }

  /** How to reach the broker, for a link of either protocol version. */
  public LinkSettings linkSettings() {
    return new LinkSettings(mqttUrl(), clientId(), persistenceDir(), username(), password(), keepAlive(), Duration.ofSeconds(30),
        tlsSocketFactory, tlsSettings().hostnameVerification(), maxInFlightMessages(), getDuration(MQTT_SESSION_EXPIRY));
  }

  /** The default route's parser settings, which every route inherits: the preset, then each key set. */
  public ParserOptions parserOptions() {
    return parserOptions;
  }

  private ParserOptions buildParserOptions() {
    ParserOptions options = PayloadMappingConfig.apply(ParserOptions.defaults(), this, PARSER_PREFIX);
    if (getString(TOPIC_LAYOUT) != null) {
      options = options.withTopicLayout(TopicLayout.of(getString(TOPIC_LAYOUT)));
    }
    if (getString(DEVICE_ID_FROM) != null) {
      options = options.withDeviceIdSource(ParserOptions.DeviceIdSource.valueOf(getString(DEVICE_ID_FROM).toUpperCase(java.util.Locale.ROOT)));
    }
    if (getString(DEVICE_ID_FIELD) != null) {
      options = options.withDeviceIdField(getString(DEVICE_ID_FIELD));
    }
    return options.withStrict(getBoolean(PARSER_STRICT)).withMaxPayloadBytes(getInt(PARSER_MAX_PAYLOAD_BYTES));
  }

  /** Producer settings: the user's pass-through keys, then the ones the guarantee needs. */
  public Map<String, Object> producerProperties() {
    Map<String, Object> props = new java.util.HashMap<>();
    // 20 ms, not Kafka's 5: each batch costs a fixed amount (an LZ4 block buffer, a request), and
    // at bridge rates 5 ms batches held a dozen records (profiled in `vigil bench bridge`).
    props.put("linger.ms", "20");
    props.put("batch.size", String.valueOf(256 * 1024));
    props.put("compression.type", "lz4");
    props.put("delivery.timeout.ms", "120000");
    props.putAll(originalsWithPrefix(PRODUCER_PREFIX));
    props.put("bootstrap.servers", bootstrapServers());
    props.put("acks", "all");
    props.put("enable.idempotence", "true");
    props.put("key.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
    props.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
    props.putIfAbsent("client.id", "vigil-bridge-" + instanceId());
    return props;
  }
}
