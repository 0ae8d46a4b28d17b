package io.vigil.schemas;

/** Names of the Kafka record headers the bridge writes and the streaming jobs read. */
public final class KafkaHeaders {
  private KafkaHeaders() {}

  public static final String MQTT_TOPIC = "vigil.mqtt.topic";
  public static final String MQTT_QOS = "vigil.mqtt.qos";
  public static final String MQTT_RETAIN = "vigil.mqtt.retain";
  public static final String MQTT_DUP = "vigil.mqtt.dup";
  public static final String MQTT_MESSAGE_ID = "vigil.mqtt.message-id";
  public static final String ARRIVAL_MILLIS = "vigil.arrival-ms";
  public static final String BRIDGE_INSTANCE = "vigil.bridge.instance";
  /** The bridge route (mapping rule) that took the message. */
  public static final String BRIDGE_ROUTE = "vigil.bridge.route";
  /** The route name the bridge stamps when it has no {@code routes} configured (its mqtt.filters route). */
  public static final String DEFAULT_ROUTE = "telemetry";
  /** Prefix of MQTT 5 user properties, one header each: {@code vigil.mqtt.user.<name>}. */
  public static final String MQTT_USER_PROPERTY_PREFIX = "vigil.mqtt.user.";
  /**
   * On Sparkplug B records: the names of the metric aliases the payload uses, from the BIRTH the
   * bridge saw last for that edge node or device, as a JSON object of alias (decimal) to
   * {@code {"name": "...", "datatype": <Sparkplug datatype number>}}. The parser is stateless, so a
   * DATA message carries the names it needs (SparkplugAliasTable writes it, the parser reads it).
   */
  public static final String SPARKPLUG_ALIASES = "vigil.sparkplug.aliases";
  /**
   * On Sparkplug B NDEATH records: the devices behind the edge node that were born (DBIRTH) in the
   * session the death ends and not dead since (DDEATH), as a JSON array of their names as in the
   * topics. A node's death takes its devices with it (Sparkplug B 3.0), and the parser is stateless,
   * so the bridge (SparkplugAliasTable) names them and the parser marks each OFFLINE too.
   */
  public static final String SPARKPLUG_DEVICES = "vigil.sparkplug.devices";
  public static final String REJECT_REASON = "vigil.reject.reason";
  public static final String REJECT_FIELD = "vigil.reject.field";
  public static final String REJECT_MESSAGE = "vigil.reject.message";
  /** On anomaly events: the deterministic event id, so consumers can deduplicate without parsing. */
  public static final String EVENT_ID = "vigil.event-id";
}
