package io.vigil.streaming;

import io.vigil.common.VigilErrors;
import io.vigil.common.config.AbstractConfig;
import io.vigil.common.config.ConfigDef;
import io.vigil.common.config.ConfigDef.Type;
import io.vigil.common.config.ConfigSources;
import io.vigil.common.config.Validator;
import io.vigil.common.internal.Durations;
import io.vigil.schemas.ParserOptions;
import io.vigil.schemas.PayloadMappingConfig;
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
  public static final String BRONZE_PATH = "tables.bronze.path";
  public static final String SILVER_PATH = "tables.silver.path";
  public static final String LATE_DATA_PATH = "tables.late.data.path";
  public static final String GOLD_1M_PATH = "tables.gold.1m.path";
  public static final String GOLD_1H_PATH = "tables.gold.1h.path";
  public static final String QUARANTINE_PATH = "tables.quarantine.path";
  public static final String ANOMALY_EVENTS_PATH = "tables.anomaly.events.path";
  public static final String ATTRIBUTES_PATH = "tables.attributes.path";
  public static final String CHECKPOINT_ROOT = "checkpoints.root";
  public static final String TRIGGER_INTERVAL = "trigger.interval";
  public static final String DEDUP_WATERMARK = "silver.dedup.watermark";
  public static final String GOLD_EXPECTED_INTERVAL = "gold.expected.interval";
  public static final String GOLD_EXPECTED_INTERVAL_OVERRIDES = "gold.expected.interval.overrides";
  public static final String STOP_TIMEOUT = "job.stop.timeout";
  public static final String METRICS_PORT = "metrics.port";
  public static final String METRICS_BIND_ADDRESS = "metrics.bind.address";

  public static final String WATCH_DEFAULT_INTERVAL = "device.watch.default.interval";
  public static final String WATCH_GAP_FACTOR = "device.watch.gap.factor";
  public static final String WATCH_MIN_GAP = "device.watch.min.gap";
  public static final String WATCH_INACTIVE_AFTER = "device.watch.inactive.after";
  public static final String WATCH_MIN_SAMPLES = "device.watch.min.samples";
  public static final String WATCH_INTERVAL_WINDOW = "device.watch.interval.window";
  public static final String WATCH_STATE_EXPIRY = "device.watch.state.expiry";
  public static final String WATCH_REGISTRY_PATH = "device.watch.registry.path";
  public static final String WATCH_FREQUENCY_FACTOR = "device.watch.frequency.factor";
  public static final String WATCH_LATE_AFTER = "device.watch.late.after";
  public static final String WATCH_CLOCK_SKEW_AFTER = "device.watch.clock.skew.after";
  public static final String WATCH_BURST_MIN = "device.watch.burst.min";
  public static final String WATCH_BURST_WINDOW = "device.watch.burst.window";
  /** {@code device.watch.threshold.<name>.metric|above|below}: per-metric threshold rules. */
  public static final String WATCH_THRESHOLD_PREFIX = "device.watch.threshold.";

  public static final String PARSER_TOPIC_LAYOUT = "parser.topic.layout";
  public static final String PARSER_STRICT = "parser.strict";
  public static final String PARSER_MAX_PAYLOAD_BYTES = "parser.max.payload.bytes";
  public static final String PARSER_DEVICE_ID_FROM = "parser.device.id.from";
  public static final String PARSER_DEVICE_ID_FIELD = "parser.device.id.field";
  /** Names of the bridge routes the job knows; {@code parser.routes.<name>.*} are each one's mapping keys. */
  public static final String PARSER_ROUTES = "parser.routes";
  public static final String PARSER_BRIDGE_CONFIG = "parser.bridge.config";

  public static final String STATE_STORE_MAX_MEMORY_MB = "state.store.rocksdb.max.memory.mb";

  public static final String MAINTENANCE_TABLES = "maintenance.tables";
  public static final String MAINTENANCE_VACUUM_ONLY_TABLES = "maintenance.vacuum.only.tables";
  public static final String MAINTENANCE_RECENT_WINDOW = "maintenance.recent.window";
  public static final String MAINTENANCE_VACUUM_ENABLED = "maintenance.vacuum.enabled";
  public static final String MAINTENANCE_VACUUM_RETENTION = "maintenance.vacuum.retention";

  /** Table names {@link MaintenanceMain} knows, as the job's default paths name them. */
  public static final String TABLE_BRONZE = "bronze";
  public static final String TABLE_SILVER = "silver";
  public static final String TABLE_LATE_DATA = "late_data";
  public static final String TABLE_QUARANTINE = "quarantine";
  public static final String TABLE_ANOMALY_EVENTS = "anomaly_events";
  public static final String TABLE_GOLD_1M = "gold_1m";
  public static final String TABLE_GOLD_1H = "gold_1h";
  public static final String TABLE_ATTRIBUTES = "attributes";
  /** Tables the running job only appends to: safe to compact while it runs. */
  static final List<String> COMPACTABLE_TABLES = List.of(TABLE_BRONZE, TABLE_SILVER, TABLE_LATE_DATA, TABLE_QUARANTINE,
      TABLE_ATTRIBUTES, TABLE_ANOMALY_EVENTS);
  static final List<String> GOLD_TABLES = List.of(TABLE_GOLD_1M, TABLE_GOLD_1H);
  /** Delta's own default for delta.deletedFileRetentionDuration, and the shortest retention we allow. */
  public static final Duration MIN_VACUUM_RETENTION = Duration.ofDays(7);
  /** The shortest recent window: the job appends to today's partitions, and to yesterday's around midnight. */
  public static final Duration MIN_RECENT_WINDOW = Duration.ofDays(1);

  /** The queries {@link StreamingJob} can start, by name. */
  public static final String QUERY_TABLES = "tables";
  public static final String QUERY_GOLD = "gold";
  public static final String QUERY_DEVICE_WATCH = "device-watch";
  /** Query names of earlier versions, now part of {@link #QUERY_TABLES}: refused with a pointer to it. */
  static final List<String> RETIRED_QUERIES = List.of("silver", "quarantine", "bronze", "late-data");

  /**
   * Checkpoint layout version of each query. Bump one when its stateful operators or state schema
   * change: Spark cannot restart such a query from the old checkpoint, so it starts afresh in a new
   * sub-directory instead of failing on the old one.
   */
  static final Map<String, String> CHECKPOINT_VERSIONS = Map.of(
      QUERY_TABLES, "v1", QUERY_GOLD, "v1",
      // v2: device watch state with registry, frequency, burst, skew and threshold fields; arrival watermark.
      // v3: the pacing metric (intervals learned per report, not per message: PacingMetric).
      QUERY_DEVICE_WATCH, "v3");

  private static final List<String> PASS_THROUGH = List.of(KAFKA_SOURCE_PREFIX, KAFKA_SINK_PREFIX,
      WATCH_THRESHOLD_PREFIX, ParserRoutes.PREFIX);

  /** Prefix of the default parser's payload-mapping keys (parser.preset, parser.timestamp.*, ...), as the bridge's. */
  public static final String PARSER_PREFIX = "parser.";

  public static final ConfigDef DEFINITION = PayloadMappingConfig.define(new ConfigDef()
      .define(KAFKA_BOOTSTRAP_SERVERS, Type.STRING, "127.0.0.1:19092", Validator.nonEmpty(),
          "Kafka bootstrap servers (host:port,...). The default is the local stack's broker.")
      .define(TELEMETRY_TOPIC, Type.STRING, Topics.TELEMETRY, Validator.nonEmpty(),
          "Kafka topic the bridge writes telemetry to.")
      .define(ANOMALIES_TOPIC, Type.STRING, Topics.ANOMALIES, Validator.nonEmpty(),
          "Kafka topic the device watch publishes anomaly events to.")
      .define(STARTING_OFFSETS, Type.STRING, "earliest", Validator.nonEmpty(),
          "Where a query with a new checkpoint starts reading: earliest, latest, or Spark's per-partition JSON."
              + " Ignored once a checkpoint exists.")
      .define(MAX_OFFSETS_PER_TRIGGER, Type.LONG, 500_000L, Validator.atLeast(1),
          "Upper bound on Kafka records per micro-batch, so a backlog is worked off in bounded batches."
              + " Every batch has a fixed cost (Delta commits, planning: seconds of driver time), so catching up"
              + " is faster per record in large batches; the bound keeps one batch's cached records in memory.")
      .define(FAIL_ON_DATA_LOSS, Type.BOOLEAN, true,
          "Fail the query when Kafka offsets it has not read were deleted (retention) instead of skipping them.")
      .define(QUERIES, Type.LIST, List.of(QUERY_TABLES, QUERY_GOLD, QUERY_DEVICE_WATCH),
          (key, value) -> {
            Validator.nonEmpty().ensureValid(key, value);
            for (Object q : (List<?>) value) {
              if (RETIRED_QUERIES.contains(q)) {
                throw VigilErrors.renamedConfigValue(key, q.toString(), QUERY_TABLES,
                    "One query, '" + QUERY_TABLES + "', now reads Kafka once and writes bronze, silver, late_data and"
                        + " quarantine together.");
              }
              Validator.oneOf(QUERY_TABLES, QUERY_GOLD, QUERY_DEVICE_WATCH).ensureValid(key, q);
            }
          },
          "Which queries to start: tables (bronze, silver, late_data, quarantine from one Kafka read),"
              + " gold (1-minute and 1-hour aggregates of silver), device-watch.")
      .define(RUN_FOR, Type.DURATION, null, Validator.positiveDuration(),
          "Stop every query (at a batch boundary) and exit 0 this long after they started; unset runs until"
              + " stopped. For smoke tests and bounded catch-up runs.")
      .define(TABLES_ROOT, Type.STRING, defaultHome().resolve("delta").toString(), Validator.nonEmpty(),
          "Directory or URI (s3a://, abfss://, ...) under which the Delta tables live.")
      .define(BRONZE_PATH, Type.STRING, "", "Bronze table location; empty means <tables.root>/bronze.")
      .define(SILVER_PATH, Type.STRING, "", "Silver table location; empty means <tables.root>/silver.")
      .define(LATE_DATA_PATH, Type.STRING, "", "Late-data table location; empty means <tables.root>/late_data.")
      .define(GOLD_1M_PATH, Type.STRING, "", "1-minute gold table location; empty means <tables.root>/gold_1m.")
      .define(GOLD_1H_PATH, Type.STRING, "", "1-hour gold table location; empty means <tables.root>/gold_1h.")
      .define(QUARANTINE_PATH, Type.STRING, "", "Quarantine table location; empty means <tables.root>/quarantine.")
      .define(ANOMALY_EVENTS_PATH, Type.STRING, "",
          "Anomaly events table location; empty means <tables.root>/anomaly_events.")
      .define(ATTRIBUTES_PATH, Type.STRING, "",
          "Attributes table location (device strings such as status or firmware, and device status); empty means"
              + " <tables.root>/attributes.")
      .define(CHECKPOINT_ROOT, Type.STRING, defaultHome().resolve("checkpoints").toString(), Validator.nonEmpty(),
          "Directory or URI for query checkpoints; each query uses <root>/<query>/<layout version>.")
      .define(TRIGGER_INTERVAL, Type.DURATION, Duration.ofSeconds(5), Validator.positiveDuration(),
          "Micro-batch interval. Batches also run without new data, so silent devices are noticed.")
      .define(DEDUP_WATERMARK, Type.DURATION, Duration.ofMinutes(10), Validator.positiveDuration(),
          "Silver watermark delay, per device in event time: a reading older than the device's latest event time"
              + " minus this goes to late_data instead of silver; within it, readings are deduplicated against"
              + " silver and counted as late when out of order.")
      .define(GOLD_EXPECTED_INTERVAL, Type.DURATION, Duration.ofSeconds(10), Validator.positiveDuration(),
          "Reporting interval a device is expected to keep, for gold completeness (received / expected readings).")
      .define(GOLD_EXPECTED_INTERVAL_OVERRIDES, Type.LIST, List.of(),
          (key, value) -> parseIntervalOverrides(key, (List<?>) value),
          "Per-device expected intervals, comma-separated device=duration, e.g. dev-0001=1s,dev-0002=5m.")
      .define(STOP_TIMEOUT, Type.DURATION, Duration.ofSeconds(30), Validator.positiveDuration(),
          "On SIGTERM or Ctrl-C, how long to wait for running batches to finish before the queries are interrupted.")
      .define(METRICS_PORT, Type.INT, 9465, Validator.between(0, 65_535),
          "Port of /metrics (Prometheus) and /health; 0 turns the endpoint off.")
      .define(METRICS_BIND_ADDRESS, Type.STRING, "127.0.0.1", Validator.nonEmpty(),
          "Address the metrics endpoint listens on; 0.0.0.0 exposes it beyond this machine.")
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
      .define(WATCH_REGISTRY_PATH, Type.STRING, "",
          "Device registry: a CSV file (device_id,expected_interval[,metric...]) or a Delta table path. Registered devices"
              + " use that interval until their own is learned, and are flagged NEVER_REPORTED if they never send."
              + " Read when a new device-watch checkpoint starts. Empty: no registry.")
      .define(WATCH_FREQUENCY_FACTOR, Type.DOUBLE, 2.0, Validator.atLeast(1.1),
          "FREQUENCY_CHANGE when the median of a device's newest min-samples intervals is this many times longer or"
              + " shorter than its reference (registry, first learned, or last change) interval.")
      .define(WATCH_LATE_AFTER, Type.DURATION, Duration.ofMinutes(5), Validator.positiveDuration(),
          "A reading arriving this long after its event time is late; burst-min of them raise LATE_DATA.")
      .define(WATCH_CLOCK_SKEW_AFTER, Type.DURATION, Duration.ofMinutes(2), Validator.positiveDuration(),
          "CLOCK_SKEW when a reading's event time is this far ahead of its arrival (once until the clock is back).")
      .define(WATCH_BURST_MIN, Type.INT, 3, Validator.between(1, 100_000),
          "Late or out-of-order readings within burst.window that make a LATE_DATA or OUT_OF_ORDER burst.")
      .define(WATCH_BURST_WINDOW, Type.DURATION, Duration.ofMinutes(5), Validator.positiveDuration(),
          "Readings of one burst are at most this far apart in arrival time; a later one starts a new burst.")
      .define(PARSER_TOPIC_LAYOUT, Type.STRING, null, TopicLayout.validator(),
          "Where the device id (and a {metric} segment) sits in the MQTT topic (header vigil.mqtt.topic), e.g."
              + " devices/{deviceId}/telemetry; several {deviceId} segments make one id joined with : (owntracks/alice/phone"
              + " is alice:phone under owntracks/{deviceId}/{deviceId}). Unset: the preset's (devices/{deviceId}/telemetry for vigil). The same as"
              + " the bridge's key of that name.")
      .define(PARSER_STRICT, Type.BOOLEAN, true,
          "Quarantine the whole message when one metric is bad; false keeps the good metrics and quarantines the bad fields.")
      .define(PARSER_MAX_PAYLOAD_BYTES, Type.INT, ParserOptions.DEFAULT_MAX_PAYLOAD_BYTES, Validator.between(16, 16 << 20),
          "Payloads larger than this are quarantined without parsing.")
      .define(PARSER_DEVICE_ID_FROM, Type.STRING, null, Validator.oneOf("topic", "payload", "topic_or_payload"),
          "Where the device id comes from: the topic layout's {deviceId} segment, the payload field "
              + PARSER_DEVICE_ID_FIELD + ", or either. Unset: the preset's (topic_or_payload for vigil). The same as the"
              + " bridge's key of that name.")
      .define(PARSER_DEVICE_ID_FIELD, Type.STRING, null,
          "Payload field or dotted path holding the device id, when the payload carries one. Unset: the preset's"
              + " (deviceId for vigil). The same as the bridge's key of that name.")
      .define(PARSER_ROUTES, Type.LIST, List.of(),
          "Names of the bridge routes whose records this job parses with their own mapping ("
              + ParserRoutes.PREFIX + "<name>.* keys, the bridge route's mapping keys); a record is matched by its"
              + " vigil.bridge.route header. Records without it, or of a route not listed, get the parser.* defaults"
              + " (an unlisted route is logged once and counted). Prefer " + PARSER_BRIDGE_CONFIG + ".")
      .define(PARSER_BRIDGE_CONFIG, Type.STRING, "",
          "The bridge's properties file: the job takes its telemetry routes and their mapping keys, and its parser.*"
              + " defaults (the job's own parser.* keys win), so routes are written once. Read at start. Empty: the"
              + " routes are " + PARSER_ROUTES + ".")
      .define(STATE_STORE_MAX_MEMORY_MB, Type.LONG, 512L, Validator.atLeast(16),
          "Memory cap for all RocksDB state store instances of one executor.")
      .define(MAINTENANCE_TABLES, Type.LIST, COMPACTABLE_TABLES, maintenanceTablesValidator(),
          "Tables MaintenanceMain compacts (OPTIMIZE) and then vacuums. Gold is refused: the running gold query"
              + " MERGEs into it every batch, and a compaction would fail that query with a concurrent-modification"
              + " conflict (see " + MAINTENANCE_VACUUM_ONLY_TABLES + ").")
      .define(MAINTENANCE_VACUUM_ONLY_TABLES, Type.LIST, GOLD_TABLES, vacuumOnlyTablesValidator(),
          "Tables MaintenanceMain vacuums without compacting them: safe while the job runs, since VACUUM only"
              + " deletes files no current version refers to. Gold by default, where every MERGE leaves replaced files.")
      .define(MAINTENANCE_RECENT_WINDOW, Type.DURATION, MIN_RECENT_WINDOW, Validator.atLeastDuration(MIN_RECENT_WINDOW,
              "the running job appends to today's partitions (and to yesterday's around midnight, UTC), and silver's"
                  + " deduplication reads them; compacting them could fail the job's batch with a conflict"),
          "Partitions dated on or after the UTC date of (--as-of, at most now, minus this) are not compacted: the job is still writing"
              + " there, and late data lands in recent event dates. 1d skips today and yesterday."
              + " Unpartitioned tables are compacted whole.")
      .define(MAINTENANCE_VACUUM_ENABLED, Type.BOOLEAN, true,
          "Vacuum each maintained table after compacting it; false only compacts.")
      .define(MAINTENANCE_VACUUM_RETENTION, Type.DURATION, MIN_VACUUM_RETENTION,
          Validator.atLeastDuration(MIN_VACUUM_RETENTION, "VACUUM deletes the files older table versions still refer"
              + " to, and a lagging streaming reader (the gold query reading silver after a stop or a backlog) or a"
              + " time-travel query may still need them"),
          "VACUUM deletes files the current table version no longer refers to once they were removed longer ago than"
              + " this. At least 7d: a lagging streaming reader (gold reading silver) or a time-travel query may still"
              + " need more recently removed ones."), PARSER_PREFIX);

  public StreamingJobConfig(Map<String, String> raw) {
    super(DEFINITION, ParserRoutes.withBridgeRoutes(raw), PASS_THROUGH);
    if (getDuration(WATCH_STATE_EXPIRY).compareTo(getDuration(WATCH_INACTIVE_AFTER)) <= 0) {
      throw VigilErrors.invalidConfigValue(WATCH_STATE_EXPIRY, getDuration(WATCH_STATE_EXPIRY).toString(),
          "a duration longer than " + WATCH_INACTIVE_AFTER + " (" + getDuration(WATCH_INACTIVE_AFTER)
              + "): state must outlive the INACTIVE detection, or REAPPEARED could never be reported");
    }
    this.parserOptions = buildParserOptions(); // fail at startup, not inside a Spark task
    if (getInt(WATCH_INTERVAL_WINDOW) < getInt(WATCH_MIN_SAMPLES)) {
      throw VigilErrors.invalidConfigValue(WATCH_INTERVAL_WINDOW, Integer.toString(getInt(WATCH_INTERVAL_WINDOW)),
          "at least " + WATCH_MIN_SAMPLES + " (" + getInt(WATCH_MIN_SAMPLES) + "): the median is taken over the window");
    }
    this.thresholdRules = ThresholdRules.parse(originalsWithPrefix(WATCH_THRESHOLD_PREFIX), WATCH_THRESHOLD_PREFIX);
    this.routeParsers = ParserRoutes.parsers(getList(PARSER_ROUTES), originalsWithPrefix(ParserRoutes.PREFIX), parserOptions());
  }

  private final List<ThresholdRule> thresholdRules;
  private final ParserOptions parserOptions;
  private final Map<String, TelemetryParser> routeParsers;

  /** The keys of one route, {@code parser.routes.<name>.*}: for generated documentation. */
  public static ConfigDef routeDefinition(String name) {
    return ParserRoutes.definition(name);
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

  public String bronzePath() {
    return tablePath(BRONZE_PATH, "bronze");
  }

  public String lateDataPath() {
    return tablePath(LATE_DATA_PATH, "late_data");
  }

  public String gold1mPath() {
    return tablePath(GOLD_1M_PATH, "gold_1m");
  }

  public String gold1hPath() {
    return tablePath(GOLD_1H_PATH, "gold_1h");
  }

  public String quarantinePath() {
    return tablePath(QUARANTINE_PATH, "quarantine");
  }

  public String anomalyEventsPath() {
    return tablePath(ANOMALY_EVENTS_PATH, "anomaly_events");
  }

  public String attributesPath() {
    return tablePath(ATTRIBUTES_PATH, TABLE_ATTRIBUTES);
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

  public Duration goldExpectedInterval() {
    return getDuration(GOLD_EXPECTED_INTERVAL);
  }

  /** Device id to expected interval, from {@value #GOLD_EXPECTED_INTERVAL_OVERRIDES}. */
  public Map<String, Duration> goldExpectedIntervalOverrides() {
    return parseIntervalOverrides(GOLD_EXPECTED_INTERVAL_OVERRIDES, getList(GOLD_EXPECTED_INTERVAL_OVERRIDES));
  }

  public Duration stopTimeout() {
    return getDuration(STOP_TIMEOUT);
  }

  public int metricsPort() {
    return getInt(METRICS_PORT);
  }

  public String metricsBindAddress() {
    return getString(METRICS_BIND_ADDRESS);
  }

  /** Tables to compact and vacuum, in {@value #MAINTENANCE_TABLES} order. */
  public List<String> maintenanceTables() {
    return getList(MAINTENANCE_TABLES);
  }

  /** Tables to vacuum only, not already in {@link #maintenanceTables()}. */
  public List<String> maintenanceVacuumOnlyTables() {
    return getList(MAINTENANCE_VACUUM_ONLY_TABLES).stream().filter(t -> !maintenanceTables().contains(t)).distinct()
        .toList();
  }

  public Duration maintenanceRecentWindow() {
    return getDuration(MAINTENANCE_RECENT_WINDOW);
  }

  public boolean maintenanceVacuumEnabled() {
    return getBoolean(MAINTENANCE_VACUUM_ENABLED);
  }

  public Duration maintenanceVacuumRetention() {
    return getDuration(MAINTENANCE_VACUUM_RETENTION);
  }

  /** The location of one of the job's tables by its name ({@link #TABLE_SILVER}, ...). */
  public String tablePath(String table) {
    return switch (table) {
      case TABLE_BRONZE -> bronzePath();
      case TABLE_SILVER -> silverPath();
      case TABLE_LATE_DATA -> lateDataPath();
      case TABLE_QUARANTINE -> quarantinePath();
      case TABLE_ANOMALY_EVENTS -> anomalyEventsPath();
      case TABLE_GOLD_1M -> gold1mPath();
      case TABLE_GOLD_1H -> gold1hPath();
      case TABLE_ATTRIBUTES -> attributesPath();
      default -> throw new IllegalArgumentException("unknown table " + table);
    };
  }

  private static Validator maintenanceTablesValidator() {
    return new Validator() {
      @Override
      public void ensureValid(String key, Object value) {
        for (Object t : (List<?>) value) {
          if (GOLD_TABLES.contains(t)) {
            throw VigilErrors.goldCompactionRefused(key, t.toString(), MAINTENANCE_VACUUM_ONLY_TABLES);
          }
          Validator.oneOf(COMPACTABLE_TABLES.toArray(String[]::new)).ensureValid(key, t);
        }
      }

      @Override
      public String describe() {
        return "any of " + COMPACTABLE_TABLES;
      }
    };
  }

  private static Validator vacuumOnlyTablesValidator() {
    List<String> all = new java.util.ArrayList<>(COMPACTABLE_TABLES);
    all.addAll(GOLD_TABLES);
    return new Validator() {
      @Override
      public void ensureValid(String key, Object value) {
        for (Object t : (List<?>) value) {
          Validator.oneOf(all.toArray(String[]::new)).ensureValid(key, t);
        }
      }

      @Override
      public String describe() {
        return "any of " + all;
      }
    };
  }

  private static Map<String, Duration> parseIntervalOverrides(String key, List<?> entries) {
    Map<String, Duration> out = new java.util.LinkedHashMap<>();
    for (Object entry : entries) {
      String text = entry.toString();
      int eq = text.indexOf('=');
      Duration d = null;
      if (eq > 0) {
        try {
          d = Durations.parse(text.substring(eq + 1).trim());
        } catch (RuntimeException e) {
          d = null;
        }
      }
      if (d == null || d.isZero() || d.isNegative()) {
        throw VigilErrors.invalidConfigValue(key, text, "device=duration with a positive duration, e.g. dev-0001=5s");
      }
      out.put(text.substring(0, eq).trim(), d);
    }
    return out;
  }

  public DeviceWatchSettings deviceWatchSettings() {
    return new DeviceWatchSettings(getDuration(WATCH_DEFAULT_INTERVAL), getDouble(WATCH_GAP_FACTOR),
        getDuration(WATCH_MIN_GAP), getDuration(WATCH_INACTIVE_AFTER), getInt(WATCH_MIN_SAMPLES),
        getInt(WATCH_INTERVAL_WINDOW), getDuration(WATCH_STATE_EXPIRY), getDouble(WATCH_FREQUENCY_FACTOR),
        getDuration(WATCH_LATE_AFTER), getDuration(WATCH_CLOCK_SKEW_AFTER), getInt(WATCH_BURST_MIN),
        getDuration(WATCH_BURST_WINDOW), thresholdRules, triggerInterval());
  }

  /** The device registry location, empty for none. */
  public String deviceRegistryPath() {
    return getString(WATCH_REGISTRY_PATH);
  }

  public Duration lateAfter() {
    return getDuration(WATCH_LATE_AFTER);
  }

  public Duration clockSkewAfter() {
    return getDuration(WATCH_CLOCK_SKEW_AFTER);
  }

  public Duration burstWindow() {
    return getDuration(WATCH_BURST_WINDOW);
  }

  /** The default parser's settings, which every route inherits: the preset, then each key set (as the bridge builds them). */
  public ParserOptions parserOptions() {
    return parserOptions;
  }

  private ParserOptions buildParserOptions() {
    ParserOptions options = PayloadMappingConfig.apply(ParserOptions.defaults(), this, PARSER_PREFIX);
    if (getString(PARSER_TOPIC_LAYOUT) != null) {
      options = options.withTopicLayout(TopicLayout.of(getString(PARSER_TOPIC_LAYOUT)));
    }
    if (getString(PARSER_DEVICE_ID_FROM) != null) {
      options = options.withDeviceIdSource(
          ParserOptions.DeviceIdSource.valueOf(getString(PARSER_DEVICE_ID_FROM).toUpperCase(java.util.Locale.ROOT)));
    }
    if (getString(PARSER_DEVICE_ID_FIELD) != null) {
      options = options.withDeviceIdField(getString(PARSER_DEVICE_ID_FIELD));
    }
    return options.withStrict(getBoolean(PARSER_STRICT)).withMaxPayloadBytes(getInt(PARSER_MAX_PAYLOAD_BYTES));
  }

  /** The default parser: records without a route header, or of a route not in {@link #routeParsers()}. */
  public TelemetryParser parser() {
    return new TelemetryParser(parserOptions());
  }

  /** The parser of each bridge route the job knows, by route name (see {@value #PARSER_ROUTES}). */
  public Map<String, TelemetryParser> routeParsers() {
    return routeParsers;
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
