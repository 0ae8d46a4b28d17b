package io.vigil.streaming;

import io.vigil.common.VigilErrors;
import io.vigil.common.config.AbstractConfig;
import io.vigil.common.config.ConfigDef;
import io.vigil.common.config.ConfigDef.Type;
import io.vigil.common.config.ConfigSources;
import io.vigil.common.config.Validator;
import io.vigil.schemas.ParserOptions;
import io.vigil.schemas.TelemetryParser;
import io.vigil.schemas.TopicLayout;
import io.vigil.schemas.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Everything the streaming job reads from its config file and {@code --set} overrides. The defaults
 * run against the local stack ({@code vigil stack up}) with tables under {@code $VIGIL_HOME} (or
 * {@code ~/.vigil}).
 *
 * <p>Keys under {@code kafka.source.} and {@code kafka.sink.} pass through, prefix removed, as
 * options of Spark's Kafka source and sink: {@code kafka.source.kafka.security.protocol=SSL}.
 */
public final class StreamingJobConfig extends AbstractConfig {
  public static final String KAFKA_BOOTSTRAP_SERVERS = "kafka.bootstrap.servers";
  public static final String TELEMETRY_TOPIC = "topics.telemetry";
  public static final String ANOMALIES_TOPIC = "topics.anomalies";
  public static final String STARTING_OFFSETS = "kafka.starting.offsets";
  public static final String MAX_OFFSETS_PER_TRIGGER = "kafka.max.offsets.per.trigger";
  public static final String FAIL_ON_DATA_LOSS = "kafka.fail.on.data.loss";
  public static final String KAFKA_SOURCE_PREFIX = "kafka.source.";
  public static final String KAFKA_SINK_PREFIX = "kafka.sink.";

  public static final String QUERIES = "job.queries";
  public static final String RUN_FOR = "job.run.for";
  public static final String TABLES_ROOT = "tables.root";
  public static final String SILVER_PATH = "tables.silver.path";
  public static final String QUARANTINE_PATH = "tables.quarantine.path";
  public static final String ANOMALY_EVENTS_PATH = "tables.anomaly.events.path";
  public static final String CHECKPOINT_ROOT = "checkpoints.root";
  public static final String TRIGGER_INTERVAL = "trigger.interval";
  public static final String DEDUP_WATERMARK = "silver.dedup.watermark";

  public static final String WATCH_DEFAULT_INTERVAL = "device.watch.default.interval";
  public static final String WATCH_GAP_FACTOR = "device.watch.gap.factor";
  public static final String WATCH_MIN_GAP = "device.watch.min.gap";
  public static final String WATCH_INACTIVE_AFTER = "device.watch.inactive.after";
  public static final String WATCH_MIN_SAMPLES = "device.watch.min.samples";
  public static final String WATCH_INTERVAL_WINDOW = "device.watch.interval.window";
  public static final String WATCH_STATE_EXPIRY = "device.watch.state.expiry";

  public static final String PARSER_TOPIC_LAYOUT = "parser.topic.layout";
  public static final String PARSER_STRICT = "parser.strict";
  public static final String PARSER_MAX_PAYLOAD_BYTES = "parser.max.payload.bytes";

  public static final String STATE_STORE_MAX_MEMORY_MB = "state.store.rocksdb.max.memory.mb";

  /** The queries {@link StreamingJob} can start, by name. */
  public static final String QUERY_SILVER = "silver";
  public static final String QUERY_QUARANTINE = "quarantine";
  public static final String QUERY_DEVICE_WATCH = "device-watch";

  /**
   * Checkpoint layout version of each query. Bump one when its stateful operators or state schema
   * change: Spark cannot restart such a query from the old checkpoint, so it starts afresh in a new
   * sub-directory instead of failing on the old one.
   */
  static final Map<String, String> CHECKPOINT_VERSIONS = Map.of(
      QUERY_SILVER, "v1", QUERY_QUARANTINE, "v1", QUERY_DEVICE_WATCH, "v1");

  private static final List<String> PASS_THROUGH = List.of(KAFKA_SOURCE_PREFIX, KAFKA_SINK_PREFIX);

  public static final ConfigDef DEFINITION = new ConfigDef()
      .define(KAFKA_BOOTSTRAP_SERVERS, Type.STRING, "127.0.0.1:19092", Validator.nonEmpty(),
          "Kafka bootstrap servers (host:port,...). The default is the local stack's broker.")
      .define(TELEMETRY_TOPIC, Type.STRING, Topics.TELEMETRY, Validator.nonEmpty(),
          "Kafka topic the bridge writes telemetry to.")
      .define(ANOMALIES_TOPIC, Type.STRING, Topics.ANOMALIES, Validator.nonEmpty(),
          "Kafka topic the device watch publishes anomaly events to.")
      .define(STARTING_OFFSETS, Type.STRING, "earliest", Validator.nonEmpty(),
          "Where a query with a new checkpoint starts reading: earliest, latest, or Spark's per-partition JSON."
              + " Ignored once a checkpoint exists.")
      .define(MAX_OFFSETS_PER_TRIGGER, Type.LONG, 100_000L, Validator.atLeast(1),
          "Upper bound on Kafka records per micro-batch, so a backlog is worked off in bounded batches.")
      .define(FAIL_ON_DATA_LOSS, Type.BOOLEAN, true,
          "Fail the query when Kafka offsets it has not read were deleted (retention) instead of skipping them.")
      .define(QUERIES, Type.LIST, List.of(QUERY_SILVER, QUERY_QUARANTINE, QUERY_DEVICE_WATCH),
          (key, value) -> {
            Validator.nonEmpty().ensureValid(key, value);
            for (Object q : (List<?>) value) {
              Validator.oneOf(QUERY_SILVER, QUERY_QUARANTINE, QUERY_DEVICE_WATCH).ensureValid(key, q);
            }
          },
          "Which queries to start: silver, quarantine, device-watch.")
      .define(RUN_FOR, Type.DURATION, null, Validator.positiveDuration(),
          "Stop every query (at a batch boundary) and exit 0 this long after they started; unset runs until"
              + " stopped. For smoke tests and bounded catch-up runs.")
      .define(TABLES_ROOT, Type.STRING, defaultHome().resolve("delta").toString(), Validator.nonEmpty(),
          "Directory or URI (s3a://, abfss://, ...) under which the Delta tables live.")
      .define(SILVER_PATH, Type.STRING, "", "Silver table location; empty means <tables.root>/silver.")
      .define(QUARANTINE_PATH, Type.STRING, "", "Quarantine table location; empty means <tables.root>/quarantine.")
      .define(ANOMALY_EVENTS_PATH, Type.STRING, "",
          "Anomaly events table location; empty means <tables.root>/anomaly_events.")
      .define(CHECKPOINT_ROOT, Type.STRING, defaultHome().resolve("checkpoints").toString(), Validator.nonEmpty(),
          "Directory or URI for query checkpoints; each query uses <root>/<query>/<layout version>.")
      .define(TRIGGER_INTERVAL, Type.DURATION, Duration.ofSeconds(5), Validator.positiveDuration(),
          "Micro-batch interval. Batches also run without new data, so silent devices are noticed.")
      .define(DEDUP_WATERMARK, Type.DURATION, Duration.ofMinutes(10), Validator.positiveDuration(),
          "How long (in ingest time) a measurement id is remembered to drop redeliveries.")
      .define(WATCH_DEFAULT_INTERVAL, Type.DURATION, Duration.ofSeconds(60), Validator.positiveDuration(),
          "Expected reporting interval of a device until enough intervals are seen to learn its own.")
      .define(WATCH_GAP_FACTOR, Type.DOUBLE, 3.0, Validator.atLeast(1.0),
          "A GAP is raised after gap-factor x expected interval without data.")
      .define(WATCH_MIN_GAP, Type.DURATION, Duration.ofSeconds(10), Validator.positiveDuration(),
          "Lower bound for the gap threshold, so fast devices are not flagged by trigger and bridge jitter;"
              + " keep it above twice trigger.interval.")
      .define(WATCH_INACTIVE_AFTER, Type.DURATION, Duration.ofHours(1), Validator.positiveDuration(),
          "A device silent this long (or longer than its gap threshold, if that is longer) is INACTIVE.")
      .define(WATCH_MIN_SAMPLES, Type.INT, 5, Validator.between(1, 1000),
          "Intervals observed before the learned median replaces the default interval.")
      .define(WATCH_INTERVAL_WINDOW, Type.INT, 16, Validator.between(3, 256),
          "How many recent intervals the median is taken over (bounds per-device state).")
      .define(WATCH_STATE_EXPIRY, Type.DURATION, Duration.ofDays(7), Validator.positiveDuration(),
          "A device silent this long is forgotten (its state removed, logged); it counts as new if it returns.")
      .define(PARSER_TOPIC_LAYOUT, Type.STRING, TopicLayout.DEFAULT.template(), Validator.nonEmpty(),
          "Where the device id sits in the MQTT topic (header vigil.mqtt.topic), e.g. devices/{deviceId}/telemetry.")
      .define(PARSER_STRICT, Type.BOOLEAN, true,
          "Quarantine the whole message when one metric is bad; false keeps the good metrics and quarantines the bad fields.")
      .define(PARSER_MAX_PAYLOAD_BYTES, Type.INT, ParserOptions.DEFAULT_MAX_PAYLOAD_BYTES, Validator.between(16, 16 << 20),
          "Payloads larger than this are quarantined without parsing.")
      .define(STATE_STORE_MAX_MEMORY_MB, Type.LONG, 512L, Validator.atLeast(16),
          "Memory cap for all RocksDB state store instances of one executor.");

  public StreamingJobConfig(Map<String, String> raw) {
    super(DEFINITION, raw, PASS_THROUGH);
    if (getDuration(WATCH_STATE_EXPIRY).compareTo(getDuration(WATCH_INACTIVE_AFTER)) <= 0) {
      throw VigilErrors.invalidConfigValue(WATCH_STATE_EXPIRY, getDuration(WATCH_STATE_EXPIRY).toString(),
          "a duration longer than " + WATCH_INACTIVE_AFTER + " (" + getDuration(WATCH_INACTIVE_AFTER)
              + "): state must outlive the INACTIVE detection, or REAPPEARED could never be reported");
    }
    TopicLayout.of(getString(PARSER_TOPIC_LAYOUT)); // fail at startup, not inside a Spark task
  }

  /** Defaults only: the local stack. */
  public static StreamingJobConfig defaults() {
    return new StreamingJobConfig(Map.of());
  }

  /** A config file (may be null) plus {@code key=value} overrides, later ones winning. */
  public static StreamingJobConfig load(Path file, List<String> overrides) {
    return new StreamingJobConfig(ConfigSources.load(file, overrides));
  }

  public String bootstrapServers() {
    return getString(KAFKA_BOOTSTRAP_SERVERS);
  }

  public String telemetryTopic() {
    return getString(TELEMETRY_TOPIC);
  }

  public String anomaliesTopic() {
    return getString(ANOMALIES_TOPIC);
  }

  public List<String> queries() {
    return getList(QUERIES);
  }

  /** How long StreamingMain runs before it stops the job; empty means until stopped. */
  public Optional<Duration> runFor() {
    return Optional.ofNullable(getDuration(RUN_FOR));
  }

  public String silverPath() {
    return tablePath(SILVER_PATH, "silver");
  }

  public String quarantinePath() {
    return tablePath(QUARANTINE_PATH, "quarantine");
  }

  public String anomalyEventsPath() {
    return tablePath(ANOMALY_EVENTS_PATH, "anomaly_events");
  }

  /** The versioned checkpoint directory of one query, e.g. {@code <root>/silver/v1}. */
  public String checkpointPath(String query) {
    String version = CHECKPOINT_VERSIONS.get(query);
    if (version == null) {
      throw new IllegalArgumentException("unknown query " + query);
    }
    return join(getString(CHECKPOINT_ROOT), query + "/" + version);
  }

  public Duration triggerInterval() {
    return getDuration(TRIGGER_INTERVAL);
  }

  public Duration dedupWatermark() {
    return getDuration(DEDUP_WATERMARK);
  }

  public DeviceWatchSettings deviceWatchSettings() {
    return new DeviceWatchSettings(getDuration(WATCH_DEFAULT_INTERVAL), getDouble(WATCH_GAP_FACTOR),
        getDuration(WATCH_MIN_GAP), getDuration(WATCH_INACTIVE_AFTER), getInt(WATCH_MIN_SAMPLES),
        getInt(WATCH_INTERVAL_WINDOW), getDuration(WATCH_STATE_EXPIRY));
  }

  public ParserOptions parserOptions() {
    return ParserOptions.defaults()
        .withTopicLayout(TopicLayout.of(getString(PARSER_TOPIC_LAYOUT)))
        .withStrict(getBoolean(PARSER_STRICT))
        .withMaxPayloadBytes(getInt(PARSER_MAX_PAYLOAD_BYTES));
  }

  public TelemetryParser parser() {
    return new TelemetryParser(parserOptions());
  }

  /** Options for Spark's Kafka source: ours, then the {@code kafka.source.} pass-through ones. */
  public Map<String, String> kafkaSourceOptions() {
    Map<String, String> options = new java.util.TreeMap<>();
    options.put("kafka.bootstrap.servers", bootstrapServers());
    options.put("subscribe", telemetryTopic());
    options.put("startingOffsets", getString(STARTING_OFFSETS));
    options.put("maxOffsetsPerTrigger", Long.toString(getLong(MAX_OFFSETS_PER_TRIGGER)));
    options.put("failOnDataLoss", Boolean.toString(getBoolean(FAIL_ON_DATA_LOSS)));
    options.put("includeHeaders", "true"); // the MQTT topic and arrival time travel in headers
    options.putAll(originalsWithPrefix(KAFKA_SOURCE_PREFIX));
    return options;
  }

  /** Options for Spark's Kafka sink (anomaly events): durable writes unless overridden. */
  public Map<String, String> kafkaSinkOptions() {
    Map<String, String> options = new java.util.TreeMap<>();
    options.put("kafka.bootstrap.servers", bootstrapServers());
    options.put("topic", anomaliesTopic());
    options.put("kafka.acks", "all");
    options.put("kafka.enable.idempotence", "true");
    options.putAll(originalsWithPrefix(KAFKA_SINK_PREFIX));
    return options;
  }

  public long stateStoreMaxMemoryMb() {
    return getLong(STATE_STORE_MAX_MEMORY_MB);
  }

  private String tablePath(String key, String name) {
    String explicit = getString(key);
    return explicit == null || explicit.isBlank() ? join(getString(TABLES_ROOT), name) : explicit;
  }

  private static String join(String root, String child) {
    return root.endsWith("/") ? root + child : root + "/" + child;
  }

  private static Path defaultHome() {
    return io.vigil.common.VigilHome.dataDir();
  }
}
