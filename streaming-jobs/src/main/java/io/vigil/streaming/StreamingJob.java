package io.vigil.streaming;

import io.vigil.schemas.TableSchemas;
import io.vigil.streaming.internal.AnomalyEventsSink;
import io.vigil.streaming.internal.DeltaTables;
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
 * The running streaming job: up to three queries, each reading {@code vigil.telemetry} on its own
 * with its own versioned checkpoint, so one can be restarted, reset or upgraded without the
 * others.
 * <ul>
 *   <li>{@code silver}: parse, deduplicate, append to the silver Delta table (exactly once per batch);
 *   <li>{@code quarantine}: every refused record with reason and bytes, to the quarantine Delta table;
 *   <li>{@code device-watch}: per-device silence detection, events to the anomaly_events Delta
 *       table and the anomalies Kafka topic.
 * </ul>
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

  private StreamingJob(SparkSession spark, Map<String, StreamingQuery> queries) {
    this.spark = spark;
    this.queries = Collections.unmodifiableMap(queries);
  }

  /** Creates missing tables and starts the configured queries; returns once they run. */
  public static StreamingJob start(SparkSession spark, StreamingJobConfig config) {
    configureStateStore(spark, config);
    Map<String, StreamingQuery> started = new LinkedHashMap<>();
    try {
      for (String name : config.queries()) {
        started.put(name, switch (name) {
          case StreamingJobConfig.QUERY_SILVER -> startSilver(spark, config);
          case StreamingJobConfig.QUERY_QUARANTINE -> startQuarantine(spark, config);
          case StreamingJobConfig.QUERY_DEVICE_WATCH -> startDeviceWatch(spark, config);
          default -> throw new IllegalArgumentException("unknown query " + name);
        });
        LOG.info("Started query {} (checkpoint {})", name, config.checkpointPath(name));
      }
    } catch (TimeoutException | RuntimeException e) {
      // Do not leave half a job running behind a failed start.
      started.values().forEach(StreamingJob::stopQuietly);
      throw e instanceof RuntimeException re ? re : new IllegalStateException("starting the streaming job timed out", e);
    }
    return new StreamingJob(spark, started);
  }

  /**
   * RocksDB keeps state off the JVM heap (a large fleet would otherwise pressure the executors),
   * with changelog checkpointing so a batch uploads only what changed, and a memory cap shared by
   * all state stores of an executor. Spark records the provider in the checkpoint: it applies to
   * new checkpoints only.
   */
  private static void configureStateStore(SparkSession spark, StreamingJobConfig config) {
    spark.conf().set("spark.sql.streaming.stateStore.providerClass",
        "org.apache.spark.sql.execution.streaming.state.RocksDBStateStoreProvider");
    spark.conf().set("spark.sql.streaming.stateStore.rocksdb.changelogCheckpointing.enabled", "true");
    spark.conf().set("spark.sql.streaming.stateStore.rocksdb.boundedMemoryUsage", "true");
    spark.conf().set("spark.sql.streaming.stateStore.rocksdb.maxMemoryUsageMB",
        Long.toString(config.stateStoreMaxMemoryMb()));
  }

  private static Dataset<Row> parsedTelemetry(SparkSession spark, StreamingJobConfig config) {
    Dataset<Row> kafka = spark.readStream().format("kafka").options(config.kafkaSourceOptions()).load();
    return TelemetryParsing.parse(kafka, config.parser());
  }

  private static Trigger trigger(StreamingJobConfig config) {
    return Trigger.ProcessingTime(config.triggerInterval().toMillis());
  }

  private static StreamingQuery startSilver(SparkSession spark, StreamingJobConfig config) throws TimeoutException {
    DeltaTables.createIfNotExists(spark, config.silverPath(), TableSchemas.SILVER, "event_date");
    return TelemetryParsing.toSilver(parsedTelemetry(spark, config), config.dedupWatermark())
        .writeStream()
        .queryName(QUERY_NAME_PREFIX + StreamingJobConfig.QUERY_SILVER)
        .format("delta")
        .outputMode("append")
        .option("checkpointLocation", config.checkpointPath(StreamingJobConfig.QUERY_SILVER))
        .trigger(trigger(config))
        .start(config.silverPath());
  }

  private static StreamingQuery startQuarantine(SparkSession spark, StreamingJobConfig config) throws TimeoutException {
    DeltaTables.createIfNotExists(spark, config.quarantinePath(), TableSchemas.QUARANTINE, "ingest_date");
    return TelemetryParsing.toQuarantine(parsedTelemetry(spark, config))
        .writeStream()
        .queryName(QUERY_NAME_PREFIX + StreamingJobConfig.QUERY_QUARANTINE)
        .format("delta")
        .outputMode("append")
        .option("checkpointLocation", config.checkpointPath(StreamingJobConfig.QUERY_QUARANTINE))
        .trigger(trigger(config))
        .start(config.quarantinePath());
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
            AnomalyEventsSink.txnAppIdFor(checkpoint)))
        .start();
  }

  /** The running queries by name (silver, quarantine, device-watch), in start order. */
  public Map<String, StreamingQuery> queries() {
    return queries;
  }

  public Optional<StreamingQuery> query(String name) {
    return Optional.ofNullable(queries.get(name));
  }

  public SparkSession spark() {
    return spark;
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

  /** Stops every query, each at a batch boundary; safe to call more than once and from a shutdown hook. */
  public void stop() {
    List<String> stopped = new ArrayList<>();
    for (Map.Entry<String, StreamingQuery> e : queries.entrySet()) {
      if (e.getValue().isActive()) {
        stopQuietly(e.getValue());
        stopped.add(e.getKey());
      }
    }
    if (!stopped.isEmpty()) {
      LOG.info("Stopped queries {}", stopped);
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
