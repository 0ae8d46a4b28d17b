package io.vigil.streaming;

import io.vigil.schemas.TableSchemas;
import io.vigil.streaming.internal.AnomalyEventsSink;
import io.vigil.streaming.internal.CheckpointState;
import io.vigil.streaming.internal.DeltaTables;
import io.vigil.streaming.internal.GoldSink;
import io.vigil.streaming.internal.JobMetrics;
import io.vigil.streaming.internal.MetricsHttpServer;
import io.vigil.streaming.internal.ProgressListener;
import io.vigil.streaming.internal.SessionDefaults;
import io.vigil.streaming.internal.TablesSink;
import io.delta.tables.DeltaTable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryException;
import org.apache.spark.sql.streaming.Trigger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running streaming job: up to three queries, each with its own versioned checkpoint, so one
 * can be restarted, reset or upgraded without the others.
 * <ul>
 *   <li>{@code tables}: reads {@code vigil.telemetry} once per batch and writes bronze, quarantine,
 *       late_data, silver and attributes, each exactly once (see {@link TablesSink});
 *   <li>{@code gold}: streams silver into the gold_1m and gold_1h aggregates (see {@link GoldSink});
 *   <li>{@code device-watch}: per-device silence detection, events to the anomaly_events Delta
 *       table and the anomalies Kafka topic.
 * </ul>
 * Progress goes to the log and to {@code /metrics} (see {@link StreamingJobConfig#METRICS_PORT}).
 *
 * <pre>{@code
 * StreamingJob job = StreamingJob.start(spark, StreamingJobConfig.load(null, List.of("kafka.bootstrap.servers=host:9092")));
 * job.awaitTermination();   // or job.stop()
 * }</pre>
 */
public final class StreamingJob implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(StreamingJob.class);
  public static final String QUERY_NAME_PREFIX = "vigil-";

  private final SparkSession spark;
  private final Map<String, StreamingQuery> queries;
  private final JobMetrics metrics;
  private final ProgressListener listener;
  private final MetricsHttpServer http;
  private final Duration stopTimeout;
  private boolean closed;

  private StreamingJob(SparkSession spark, Map<String, StreamingQuery> queries, JobMetrics metrics,
      ProgressListener listener, MetricsHttpServer http, Duration stopTimeout) {
    this.spark = spark;
    this.queries = Collections.unmodifiableMap(queries);
    this.metrics = metrics;
    this.listener = listener;
    this.http = http;
    this.stopTimeout = stopTimeout;
  }

  /** Creates missing tables and starts the configured queries; returns once they run. */
  public static StreamingJob start(SparkSession spark, StreamingJobConfig config) {
    configureSession(spark, config);
    JobMetrics metrics = new JobMetrics();
    MetricsHttpServer http = config.metricsPort() == 0 ? null
        : new MetricsHttpServer(config.metricsBindAddress(), config.metricsPort(), metrics);
    ProgressListener listener = new ProgressListener(QUERY_NAME_PREFIX, metrics);
    spark.streams().addListener(listener);
    Map<String, StreamingQuery> started = new LinkedHashMap<>();
    try {
      for (String name : config.queries()) {
        started.put(name, switch (name) {
          case StreamingJobConfig.QUERY_TABLES -> startTables(spark, config, metrics);
          case StreamingJobConfig.QUERY_GOLD -> startGold(spark, config, metrics);
          case StreamingJobConfig.QUERY_DEVICE_WATCH -> startDeviceWatch(spark, config);
          default -> throw new IllegalArgumentException("unknown query " + name);
        });
        LOG.info("Started query {} (checkpoint {})", name, config.checkpointPath(name));
      }
    } catch (TimeoutException | RuntimeException e) {
      // Do not leave half a job running behind a failed start.
      started.values().forEach(StreamingJob::stopQuietly);
      spark.streams().removeListener(listener);
      if (http != null) {
        http.close();
      }
      throw e instanceof RuntimeException re ? re : new IllegalStateException("starting the streaming job timed out", e);
    }
    Map<String, StreamingQuery> view = Collections.unmodifiableMap(started);
    metrics.activeQueries(() -> {
      Map<String, Boolean> active = new LinkedHashMap<>();
      view.forEach((n, q) -> active.put(n, q.isActive()));
      return active;
    });
    return new StreamingJob(spark, started, metrics, listener, http, config.stopTimeout());
  }

  /**
   * The job's Spark settings, each only where the submitter set none (see {@link SessionDefaults}).
   * <ul>
   *   <li>RocksDB keeps state off the JVM heap (a large fleet would otherwise pressure the
   *       executors), with changelog checkpointing so a batch uploads only what changed, and a memory
   *       cap shared by all state stores of an executor. Spark records the provider in the
   *       checkpoint: it applies to new checkpoints only.
   *   <li>StreamingQuery.stop() waits {@code job.stop.timeout} for the query thread, then gives up
   *       with an error instead of hanging a SIGTERM forever. Read when a query starts.
   *   <li>A batch's cache lives for that batch only: compressing it costs more CPU than the memory
   *       it saves. Writers stay open per table partition (a batch touches a date or two) instead of
   *       sorting every row by its partition first; past 16 open partitions Spark falls back to
   *       sorting.
   * </ul>
   */
  static void configureSession(SparkSession spark, StreamingJobConfig config) {
    Map<String, String> defaults = new LinkedHashMap<>();
    defaults.put("spark.sql.streaming.stateStore.providerClass",
        "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider");
    defaults.put("spark.sql.streaming.stateStore.rocksdb.changelogCheckpointing.enabled", "true");
    defaults.put("spark.sql.streaming.stateStore.rocksdb.boundedMemoryUsage", "true");
    defaults.put("spark.sql.streaming.stateStore.rocksdb.maxMemoryUsageMB", Long.toString(config.stateStoreMaxMemoryMb()));
    defaults.put("spark.sql.streaming.stopTimeout", Long.toString(config.stopTimeout().toMillis()));
    defaults.put("spark.sql.inMemoryColumnarStorage.compressed", "false");
    defaults.put("spark.sql.maxConcurrentOutputFileWriters", "16");
    SessionDefaults.apply(spark.conf(), defaults);
  }

  private static Dataset<Row> parsedTelemetry(SparkSession spark, StreamingJobConfig config) {
    Dataset<Row> kafka = spark.readStream().format("kafka").options(config.kafkaSourceOptions()).load();
    return TelemetryParsing.parse(kafka, config.parser(), config.routeParsers());
  }

  private static Trigger trigger(StreamingJobConfig config) {
    return Trigger.ProcessingTime(config.triggerInterval().toMillis());
  }

  private static StreamingQuery startTables(SparkSession spark, StreamingJobConfig config, JobMetrics metrics)
      throws TimeoutException {
    DeltaTables.createIfNotExists(spark, config.bronzePath(), TableSchemas.BRONZE, "ingest_date");
    DeltaTables.createIfNotExists(spark, config.silverPath(), TableSchemas.SILVER, "event_date");
    DeltaTables.createIfNotExists(spark, config.lateDataPath(), TableSchemas.LATE_DATA, "event_date");
    DeltaTables.createIfNotExists(spark, config.quarantinePath(), TableSchemas.QUARANTINE, "ingest_date");
    DeltaTables.createIfNotExists(spark, config.attributesPath(), TableSchemas.ATTRIBUTES, "event_date");
    String checkpoint = config.checkpointPath(StreamingJobConfig.QUERY_TABLES);
    TablesSink sink = new TablesSink(
        new TablesSink.Paths(config.bronzePath(), config.silverPath(), config.lateDataPath(), config.quarantinePath(),
            config.attributesPath()),
        config.parser(), config.routeParsers(), config.dedupWatermark().toMillis(), checkpoint, metrics);
    if (!config.routeParsers().isEmpty()) {
      LOG.info("Parsing records by bridge route: {} (others with the parser.* defaults)", config.routeParsers().keySet());
    }
    return spark.readStream().format("kafka").options(config.kafkaSourceOptions()).load()
        .writeStream()
        .queryName(QUERY_NAME_PREFIX + StreamingJobConfig.QUERY_TABLES)
        .option("checkpointLocation", checkpoint)
        .trigger(trigger(config))
        .foreachBatch(sink)
        .start();
  }

  private static StreamingQuery startGold(SparkSession spark, StreamingJobConfig config, JobMetrics metrics)
      throws TimeoutException {
    DeltaTables.createIfNotExists(spark, config.silverPath(), TableSchemas.SILVER, "event_date");
    DeltaTables.createIfNotExists(spark, config.gold1mPath(), TableSchemas.GOLD, null);
    DeltaTables.createIfNotExists(spark, config.gold1hPath(), TableSchemas.GOLD, null);
    String checkpoint = config.checkpointPath(StreamingJobConfig.QUERY_GOLD);
    if (new CheckpointState(spark, checkpoint).appId().created()) {
      // A new checkpoint streams all of silver from the start: rebuild gold rather than add to it.
      for (String path : List.of(config.gold1mPath(), config.gold1hPath())) {
        DeltaTable gold = DeltaTable.forPath(spark, path);
        // A DELETE is the job's slowest statement to plan: skip it on a table with nothing in it.
        if (gold.detail().select("numFiles").first().getLong(0) > 0) {
          LOG.info("New gold checkpoint {}: emptying {} to rebuild it from silver", checkpoint, path);
          gold.delete();
        }
      }
    }
    return spark.readStream().format("delta").load(config.silverPath())
        .writeStream()
        .queryName(QUERY_NAME_PREFIX + StreamingJobConfig.QUERY_GOLD)
        .option("checkpointLocation", checkpoint)
        .trigger(trigger(config))
        .foreachBatch(new GoldSink(config.gold1mPath(), config.gold1hPath(), config.goldExpectedInterval(),
            config.goldExpectedIntervalOverrides(), checkpoint, metrics))
        .start();
  }

  private static StreamingQuery startDeviceWatch(SparkSession spark, StreamingJobConfig config) throws TimeoutException {
    DeltaTables.createIfNotExists(spark, config.anomalyEventsPath(), TableSchemas.ANOMALY_EVENTS, null);
    DeviceWatchSettings settings = config.deviceWatchSettings();
    DeviceRegistry registry = DeviceRegistry.load(spark, config.deviceRegistryPath());
    if (!registry.isEmpty()) {
      LOG.info("Device registry {}: {} devices (seeded into a new device-watch checkpoint only)",
          config.deviceRegistryPath(), registry.entries().size());
    }
    Dataset<Row> events = DeviceWatchStream.detect(
        DeviceWatchStream.readings(parsedTelemetry(spark, config), settings), settings, registry);
    String checkpoint = config.checkpointPath(StreamingJobConfig.QUERY_DEVICE_WATCH);
    return events.writeStream()
        .queryName(QUERY_NAME_PREFIX + StreamingJobConfig.QUERY_DEVICE_WATCH)
        .outputMode("update")
        .option("checkpointLocation", checkpoint)
        // A processing-time trigger runs batches without new data too: that is when timeouts fire.
        .trigger(trigger(config))
        .foreachBatch(new AnomalyEventsSink(config.anomalyEventsPath(), config.kafkaSinkOptions(),
            new CheckpointState(spark, checkpoint).appId(AnomalyEventsSink.txnAppIdFor(checkpoint)).id()))
        .start();
  }

  /** The running queries by name (tables, gold, device-watch), in start order. */
  public Map<String, StreamingQuery> queries() {
    return queries;
  }

  public Optional<StreamingQuery> query(String name) {
    return Optional.ofNullable(queries.get(name));
  }

  public SparkSession spark() {
    return spark;
  }

  public JobMetrics metrics() {
    return metrics;
  }

  /** The port of /metrics, or -1 when the endpoint is off. */
  public int metricsPort() {
    return http == null ? -1 : http.port();
  }

  /**
   * Blocks until a query ends (or {@link #stop} is called). If one fails the others are stopped and
   * its failure rethrown, so a supervisor restarts the whole job rather than running it half-alive.
   */
  public void awaitTermination() throws StreamingQueryException {
    try {
      while (true) {
        for (StreamingQuery q : queries.values()) {
          if (!q.isActive()) {
            if (q.exception().isDefined()) {
              throw q.exception().get();
            }
            return; // stopped deliberately: stop the rest too
          }
        }
        queries.values().iterator().next().awaitTermination(500);
      }
    } finally {
      stop();
    }
  }

  /**
   * Stops every query, each at a batch boundary if its batch ends within {@code job.stop.timeout}
   * (interrupted after that: every write is idempotent, so the interrupted batch is redone on the
   * next start). Safe to call more than once, from any thread.
   */
  public synchronized void stop() {
    long deadline = System.nanoTime() + stopTimeout.toNanos();
    List<String> stopped = new ArrayList<>();
    for (Map.Entry<String, StreamingQuery> e : queries.entrySet()) {
      StreamingQuery q = e.getValue();
      if (q.isActive()) {
        awaitBatchBoundary(q, deadline);
        stopQuietly(q);
        stopped.add(e.getKey());
      }
    }
    if (!stopped.isEmpty()) {
      LOG.info("Stopped queries {}", stopped);
    }
    if (!closed) {
      closed = true;
      spark.streams().removeListener(listener);
      if (http != null) {
        http.close();
      }
    }
  }

  private static void awaitBatchBoundary(StreamingQuery q, long deadline) {
    while (q.isActive() && q.status().isTriggerActive() && System.nanoTime() < deadline) {
      try {
        q.awaitTermination(100);
      } catch (StreamingQueryException e) {
        return; // it ended by itself; awaitTermination() reports the failure
      } catch (RuntimeException e) {
        return;
      }
    }
  }

  @Override
  public void close() {
    stop();
  }

  private static void stopQuietly(StreamingQuery q) {
    try {
      q.stop();
    } catch (TimeoutException | RuntimeException e) {
      LOG.warn("Query {} did not stop cleanly: {}", q.name(), e.toString());
    }
  }
}
