package io.vigil.cli;

import io.vigil.batch.ForecastJob;
import io.vigil.batch.ForecastJobConfig;
import io.vigil.batch.ForecastRunSummary;
import io.vigil.bridge.BridgeConfig;
import io.vigil.bridge.BridgeMetrics;
import io.vigil.bridge.MqttKafkaBridge;
import io.vigil.schemas.AnomalyEvent;
import io.vigil.schemas.AnomalyEventJson;
import io.vigil.schemas.AnomalyKind;
import io.vigil.schemas.Topics;
import io.vigil.simulator.FaultKind;
import io.vigil.simulator.FaultLabel;
import io.vigil.simulator.SimulationSummary;
import io.vigil.simulator.Simulator;
import io.vigil.simulator.SimulatorConfig;
import io.vigil.streaming.SparkSessions;
import io.vigil.streaming.StreamingJob;
import io.vigil.streaming.StreamingJobConfig;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.spark.sql.SparkSession;

/**
 * Vigil's first end-to-end path, as one runnable unit: a simulated fleet publishes over MQTT, the
 * bridge carries it into Kafka, the streaming job lands silver and flags devices that stop
 * reporting, and the batch job forecasts every series from silver. {@code vigil demo} runs it on the
 * local stack; the end-to-end integration test runs it on its own brokers and checks the results.
 *
 * <p>Two simulated phases: a backfill of history (so the forecaster has two daily seasons to learn
 * from) and a live phase in real time with injected gaps and dead devices, which the device watch
 * must notice.
 */
public final class EndToEndRun {

  /** What to run against and how big. */
  public record Settings(String bootstrapServers, String mqttUrl, Path workDir, int devices, Duration history,
      Duration historyInterval, Duration live, Duration liveInterval, String liveFaults, long seed, Duration detectionTimeout) {

    public static Settings demo(String bootstrapServers, String mqttUrl, Path workDir) {
      return new Settings(bootstrapServers, mqttUrl, workDir, 12, Duration.ofDays(3), Duration.ofMinutes(10),
          Duration.ofSeconds(90), Duration.ofSeconds(2), "dead=0.2,gap=0.3", 7L, Duration.ofSeconds(90));
    }
  }

  /**
   * What happened, for the summary and for assertions.
   *
   * @param mustDetect devices whose labelled silence (death, or a gap longer than any device's
   *     threshold) the device watch has to flag
   * @param mayDetect every device with a labelled silence: flagging a short gap is right too
   * @param detected devices flagged with a GAP that began before the live run's last interval (when
   *     the simulated fleet stops, every device falls silent: those GAPs are not counted)
   */
  public record Result(SimulationSummary history, SimulationSummary live, List<FaultLabel> liveLabels,
      Map<String, Long> bridge, long silverRows, long quarantineRows, List<AnomalyEvent> anomalies, long anomalyRows,
      ForecastRunSummary forecast, long forecastRows, Set<String> mustDetect, Set<String> mayDetect, Set<String> detected) {

    /** Devices flagged with a GAP although nothing silenced them. */
    public Set<String> falseAlarms() {
      Set<String> out = new TreeSet<>(detected);
      out.removeAll(mayDetect);
      return out;
    }

    public Set<String> missed() {
      Set<String> out = new TreeSet<>(mustDetect);
      out.removeAll(detected);
      return out;
    }
  }

  private final Settings settings;
  private final Consumer<String> progress;
  private final Clock clock;

  public EndToEndRun(Settings settings, Consumer<String> progress, Clock clock) {
    this.settings = settings;
    this.progress = progress;
    this.clock = clock;
  }

  public Result run() throws Exception {
    Path work = settings.workDir();
    progress.accept("Starting the bridge (MQTT " + settings.mqttUrl() + " -> Kafka " + settings.bootstrapServers() + ")");
    try (MqttKafkaBridge bridge = new MqttKafkaBridge(new BridgeConfig(Map.of(
        BridgeConfig.MQTT_URL, settings.mqttUrl(),
        BridgeConfig.KAFKA_BOOTSTRAP, settings.bootstrapServers(),
        BridgeConfig.MQTT_CLIENT_ID, "vigil-e2e-bridge",
        BridgeConfig.MQTT_PERSISTENCE_DIR, work.resolve("bridge").toString())))) {
      bridge.start();

      progress.accept("Starting Spark and the streaming job (bronze, silver, late data, quarantine, gold, device watch)");
      SparkSession spark = SparkSessions.local("vigil-e2e", 2);
      // Start from where the topics stand now, so a stack that already holds data (an earlier run)
      // does not leak into this run's tables and counts.
      Map<TopicPartition, Long> anomaliesStart;
      String telemetryStart;
      try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
        telemetryStart = offsetsJson(endOffsets(consumer, Topics.TELEMETRY));
        anomaliesStart = endOffsets(consumer, Topics.ANOMALIES);
      }
      Map<String, String> streamSettings = streamingSettings(work);
      streamSettings.put(StreamingJobConfig.STARTING_OFFSETS, telemetryStart);
      StreamingJobConfig streamConfig = new StreamingJobConfig(streamSettings);
      SimulationSummary history;
      SimulationSummary live;
      List<FaultLabel> liveLabels;
      List<AnomalyEvent> anomalies;
      Set<String> mustDetect;
      Set<String> mayDetect;
      Set<String> detected;
      try (StreamingJob job = StreamingJob.start(spark, streamConfig)) {
        progress.accept("Backfilling " + settings.history().toDays() + " days of history for " + settings.devices() + " devices");
        history = new Simulator(simulatorConfig(work, true, streamConfig), clock).run(settings.mqttUrl());
        progress.accept("History: " + history.delivered() + " messages published");

        progress.accept("Live fleet for " + settings.live().toSeconds() + " s with injected faults (" + settings.liveFaults() + ")");
        SimulatorConfig liveConfig = simulatorConfig(work, false, streamConfig);
        live = new Simulator(liveConfig, clock).run(settings.mqttUrl());
        liveLabels = io.vigil.simulator.FaultLabels.read(liveConfig.labels());
        // When the simulated fleet stops, every device falls silent: a silence that begins in the
        // run's last (slowest) interval cannot be told apart from that, so it is neither required nor counted.
        Instant fleetStops = live.windowEnd().minus(slowestInterval().multipliedBy(6).dividedBy(5));
        mustDetect = silencedDevices(liveLabels, streamConfig, fleetStops);
        mayDetect = liveLabels.stream().filter(l -> l.kind() == FaultKind.GAP || l.kind() == FaultKind.DEAD)
            .map(FaultLabel::device).collect(Collectors.toCollection(TreeSet::new));
        progress.accept("Live: " + live.delivered() + " messages; devices silenced on purpose: " + mayDetect);

        progress.accept("Waiting for the device watch to flag every silenced device");
        anomalies = awaitGaps(mustDetect, anomaliesStart);
        detected = anomalies.stream().filter(e -> e.kind() == AnomalyKind.GAP && e.start().isBefore(fleetStops))
            .map(AnomalyEvent::deviceId).collect(Collectors.toCollection(TreeSet::new));
        // Not the device watch: its processing-time timeouts keep scheduling batches, so it never idles.
        for (String name : List.of(StreamingJobConfig.QUERY_TABLES, StreamingJobConfig.QUERY_GOLD)) {
          job.query(name).ifPresent(q -> q.processAllAvailable());
        }
      }
      long silver = spark.read().format("delta").load(streamConfig.silverPath()).count();
      long quarantine = spark.read().format("delta").load(streamConfig.quarantinePath()).count();
      long anomalyRows = spark.read().format("delta").load(streamConfig.anomalyEventsPath()).count();

      progress.accept("Forecasting every series from silver");
      ForecastJobConfig forecastConfig = new ForecastJobConfig(Map.of(
          ForecastJobConfig.SILVER_PATH, streamConfig.silverPath(),
          ForecastJobConfig.FORECASTS_PATH, work.resolve("tables/forecasts").toString()));
      ForecastRunSummary forecast = ForecastJob.run(spark, forecastConfig, clock.instant().truncatedTo(ChronoUnit.HOURS));
      long forecastRows = spark.read().format("delta").load(forecastConfig.forecastsPath()).count();
      spark.stop();
      return new Result(history, live, liveLabels, bridge.metrics().snapshot(), silver, quarantine, anomalies, anomalyRows,
          forecast, forecastRows, mustDetect, mayDetect, detected);
    }
  }

  private Map<String, String> streamingSettings(Path work) {
    Map<String, String> m = new HashMap<>();
    m.put(StreamingJobConfig.KAFKA_BOOTSTRAP_SERVERS, settings.bootstrapServers());
    m.put(StreamingJobConfig.TABLES_ROOT, work.resolve("tables").toString());
    m.put(StreamingJobConfig.CHECKPOINT_ROOT, work.resolve("checkpoints").toString());
    m.put(StreamingJobConfig.TRIGGER_INTERVAL, "2s");
    m.put(StreamingJobConfig.METRICS_PORT, "0"); // a `vigil stream` may be running with the default port
    // Until a device's own cadence is learned, assume the slowest the simulator produces (6x its
    // base interval), so a slow device is not called silent before it has been measured.
    m.put(StreamingJobConfig.WATCH_DEFAULT_INTERVAL, slowestInterval().toMillis() + "ms");
    return m;
  }

  private SimulatorConfig simulatorConfig(Path work, boolean historyPhase, StreamingJobConfig streamConfig) {
    Map<String, String> m = new LinkedHashMap<>();
    m.put(SimulatorConfig.DEVICES, Integer.toString(settings.devices()));
    m.put(SimulatorConfig.SEED, Long.toString(settings.seed()));
    m.put(SimulatorConfig.MQTT_URL, settings.mqttUrl());
    m.put(SimulatorConfig.MQTT_CLIENT_ID, "vigil-e2e-sim-" + (historyPhase ? "history" : "live"));
    if (historyPhase) {
      m.put(SimulatorConfig.HISTORY, settings.history().toMinutes() + "m");
      m.put(SimulatorConfig.DURATION, "0s");
      m.put(SimulatorConfig.INTERVAL, settings.historyInterval().toSeconds() + "s");
      m.put(SimulatorConfig.FAULTS, "none");
      m.put(SimulatorConfig.RATE, "20000");
      m.put(SimulatorConfig.LABELS, work.resolve("history-labels.csv").toString());
    } else {
      m.put(SimulatorConfig.DURATION, settings.live().toSeconds() + "s");
      m.put(SimulatorConfig.INTERVAL, settings.liveInterval().toMillis() + "ms");
      m.put(SimulatorConfig.FAULTS, settings.liveFaults());
      // Long enough that every injected gap must be detected, whatever a device's cadence.
      Duration gapMin = mustDetectSilence(streamConfig).plusSeconds(5);
      m.put(SimulatorConfig.FAULT_GAP_MIN, gapMin.toSeconds() + "s");
      m.put(SimulatorConfig.FAULT_GAP_MAX, gapMin.plusSeconds(20).toSeconds() + "s");
      m.put(SimulatorConfig.LABELS, work.resolve("live-labels.csv").toString());
    }
    return new SimulatorConfig(m);
  }

  private Duration slowestInterval() {
    return settings.liveInterval().multipliedBy(6);
  }

  /** The longest silence the device watch may take to call a gap, for any device of this fleet. */
  private Duration mustDetectSilence(StreamingJobConfig config) {
    var watch = config.deviceWatchSettings();
    long byFactor = (long) Math.ceil(watch.gapFactor() * slowestInterval().toMillis());
    return Duration.ofMillis(Math.max(byFactor, watch.minGap().toMillis()));
  }

  /** Devices whose labelled silence is long enough that the device watch must flag it. */
  private Set<String> silencedDevices(List<FaultLabel> labels, StreamingJobConfig config, Instant fleetStops) {
    Duration mustDetect = mustDetectSilence(config);
    return labels.stream()
        .filter(l -> l.start().isBefore(fleetStops))
        .filter(l -> l.kind() == FaultKind.DEAD
            || (l.kind() == FaultKind.GAP && Duration.between(l.start(), l.end()).compareTo(mustDetect) >= 0))
        .map(FaultLabel::device)
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** Reads the anomalies topic until every silenced device has a GAP, or the timeout passes. */
  private List<AnomalyEvent> awaitGaps(Set<String> expected, Map<TopicPartition, Long> from) {
    List<AnomalyEvent> events = new ArrayList<>();
    long deadline = System.nanoTime() + settings.detectionTimeout().toNanos();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      consumer.assign(from.keySet());
      from.forEach(consumer::seek);
      Set<String> seen = new TreeSet<>();
      while (System.nanoTime() < deadline && !seen.containsAll(expected)) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          AnomalyEvent e = AnomalyEventJson.fromBytes(r.value());
          events.add(e);
          if (e.kind() == AnomalyKind.GAP) {
            seen.add(e.deviceId());
          }
        }
      }
      // One more short read, so events for devices nobody silenced show up as false alarms.
      consumer.poll(Duration.ofSeconds(2)).forEach(r -> events.add(AnomalyEventJson.fromBytes(r.value())));
    }
    return events;
  }

  private KafkaConsumer<byte[], byte[]> consumer() {
    Properties p = new Properties();
    p.put("bootstrap.servers", settings.bootstrapServers());
    p.put("key.deserializer", ByteArrayDeserializer.class.getName());
    p.put("value.deserializer", ByteArrayDeserializer.class.getName());
    p.put("enable.auto.commit", "false");
    return new KafkaConsumer<>(p);
  }

  private static Map<TopicPartition, Long> endOffsets(KafkaConsumer<byte[], byte[]> consumer, String topic) {
    List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
        .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
    return new HashMap<>(consumer.endOffsets(partitions, Duration.ofSeconds(30)));
  }

  /** Spark's Kafka source format for explicit starting offsets. */
  private static String offsetsJson(Map<TopicPartition, Long> offsets) {
    String topic = offsets.keySet().iterator().next().topic();
    return "{\"" + topic + "\":{" + offsets.entrySet().stream()
        .sorted(Map.Entry.comparingByKey(java.util.Comparator.comparingInt(TopicPartition::partition)))
        .map(e -> "\"" + e.getKey().partition() + "\":" + e.getValue())
        .collect(Collectors.joining(",")) + "}}";
  }
}
