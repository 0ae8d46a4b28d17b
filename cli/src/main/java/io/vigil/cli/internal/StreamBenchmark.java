package io.vigil.cli.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.schemas.AnomalyEvent;
import io.vigil.schemas.AnomalyEventJson;
import io.vigil.schemas.AnomalyKind;
import io.vigil.schemas.KafkaHeaders;
import io.vigil.schemas.TopicLayout;
import io.vigil.streaming.SparkSessions;
import io.vigil.streaming.StreamingJob;
import io.vigil.streaming.StreamingJobConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.DataStreamWriter;
import org.apache.spark.sql.streaming.SourceProgress;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryProgress;
import org.apache.spark.sql.streaming.Trigger;

/**
 * {@code vigil bench stream}: one Kafka backlog read by three contenders in one JVM and one local
 * SparkSession, so the figures compare. The ceiling is Spark's Kafka source straight into the no-op
 * sink (what reading Kafka costs at all; run twice, the faster run counts); "Kafka -> Delta alone"
 * is the same source into Delta's own streaming sink (what landing the records costs); the full job
 * is {@link StreamingJob} with its configured queries. Throughput is readings over the time from
 * start until the slowest query has committed every offset, taken from the queries' own progress
 * reports. Then a probe device reports every second and stops: the GAP latency is the time from its
 * last reading to its GAP event on the anomalies topic.
 */
public final class StreamBenchmark {
  /**
   * @param overrides streaming job settings ({@code KEY=VALUE}) applied before the benchmark's own
   *     (Kafka, topics, table and checkpoint roots)
   */
  public record Settings(String bootstrapServers, long readings, int devices, int partitions, long warmupReadings,
      Duration probeFor, Duration timeout, List<String> overrides, Path workDir) {}

  /**
   * Readings a contender worked off and how long it took.
   *
   * @param cpuSeconds CPU this JVM used meanwhile (driver and executors of local mode): unlike
   *     readings/s it hardly moves when other work shares the machine
   */
  public record Throughput(String name, long readings, double seconds, double cpuSeconds) {
    public double perSecond() {
      return readings / Math.max(seconds, 1e-3);
    }

    public double cpuMillisPerThousand() {
      return cpuSeconds * 1e6 / Math.max(readings, 1);
    }
  }

  /**
   * @param measured last reading to GAP event; null when none came within the wait
   * @param threshold the gap threshold of a device reporting every {@link #PROBE_INTERVAL}
   * @param triggerInterval the job's micro-batch interval
   * @param reportedThresholdMs the threshold the GAP event itself names, -1 when absent
   */
  public record GapLatency(Duration measured, Duration threshold, Duration triggerInterval, long reportedThresholdMs) {
    public Duration bound() {
      return threshold.plus(triggerInterval.multipliedBy(2));
    }

    public boolean met() {
      return measured != null && measured.compareTo(bound()) <= 0;
    }
  }

  /**
   * @param landing the Kafka source straight into Delta's own streaming sink: what writing every
   *     record to one Delta table costs before any of the job's work; null when not run
   */
  public record Result(long readings, Throughput ceiling, Throughput landing, Throughput full,
      Map<String, Double> querySeconds, GapLatency gap) {
    public double ratio() {
      return full.perSecond() / ceiling.perSecond();
    }
  }

  public static final double GOAL_RATIO = 0.5;
  /** Ceiling runs on the measured backlog: single runs moved by 30% and more on a two-core machine. */
  static final int CEILING_RUNS = 2;
  static final Duration PROBE_INTERVAL = Duration.ofSeconds(1);
  private static final Duration POLL = Duration.ofMillis(250);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Settings settings;
  private final PrintStream out;
  private final String run = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);

  public StreamBenchmark(Settings settings, PrintStream out) {
    this.settings = settings;
    this.out = out;
  }

  public Result run() throws Exception {
    List<String> topics = new ArrayList<>();
    SparkSession spark = SparkSessions.local("vigil-bench-stream", Runtime.getRuntime().availableProcessors());
    try {
      String warmTopic = "bench.stream." + run + ".warmup";
      String topic = "bench.stream." + run;
      String anomalies = "bench.stream." + run + ".anomalies";
      topics.addAll(List.of(warmTopic, topic, anomalies));
      createTopics(Map.of(warmTopic, settings.partitions(), topic, settings.partitions(), anomalies, 1));

      StreamingJobConfig warm = config(warmTopic, anomalies, "warmup");
      out.printf("Warm-up (not counted): %,d readings through every contender%n", settings.warmupReadings());
      preload(warmTopic, settings.warmupReadings(), Math.min(settings.devices(), 100), warm.parserOptions().topicLayout());
      ceiling(spark, warm, settings.warmupReadings(), "warmup", 1);
      landing(spark, warm, settings.warmupReadings(), "warmup");
      try (StreamingJob job = StreamingJob.start(spark, warm)) {
        awaitCaughtUp(job, warm, System.currentTimeMillis(), false);
      }
      awaitNoActiveJobs(spark);

      StreamingJobConfig config = config(topic, anomalies, "measured");
      long t0 = System.nanoTime();
      preload(topic, settings.readings(), settings.devices(), config.parserOptions().topicLayout());
      out.printf("  preloaded %,d readings in %.1f s%n", settings.readings(), (System.nanoTime() - t0) / 1e9);

      List<Throughput> ceilings = new ArrayList<>();
      for (int i = 1; i <= CEILING_RUNS; i++) {
        Throughput c = ceiling(spark, config, settings.readings(), "measured", i);
        report(c);
        ceilings.add(c);
      }
      Throughput ceiling = fastest(ceilings);
      out.printf("    the ratio below is to the faster ceiling run, %,.0f readings/s%n", ceiling.perSecond());
      Throughput landing = landing(spark, config, settings.readings(), "measured");
      report(landing);
      long start = System.currentTimeMillis(); // like the ceiling's, its time includes starting the queries
      long cpuStart = CpuMeter.ownCpuNanos();
      QueryCpuMeter queryCpu = new QueryCpuMeter();
      spark.sparkContext().addSparkListener(queryCpu);
      try (StreamingJob job = StreamingJob.start(spark, config)) {
        Map<String, Long> doneAt = awaitCaughtUp(job, config, start, true);
        double cpuSeconds = (CpuMeter.ownCpuNanos() - cpuStart) / 1e9;
        Map<String, Double> perQuery = new LinkedHashMap<>();
        doneAt.forEach((q, at) -> perQuery.put(q, (at - start) / 1000.0));
        double seconds = perQuery.values().stream().mapToDouble(Double::doubleValue).max().orElseThrow();
        Throughput full = new Throughput("full job (" + String.join(", ", job.queries().keySet()) + ")",
            settings.readings(), seconds, cpuSeconds);
        report(full);
        out.printf("    per query, until its last offset was committed: %s%n", perQuery.entrySet().stream()
            .map(e -> String.format("%s %.1f s", e.getKey(), e.getValue())).toList());
        // Spark posts task ends to listeners asynchronously: the last few may count a moment late.
        double tasks = 0;
        List<String> cpu = new ArrayList<>();
        for (Map.Entry<String, StreamingQuery> q : job.queries().entrySet()) {
          double used = queryCpu.seconds(q.getValue().id().toString());
          tasks += used;
          cpu.add(String.format("%s %.1f s", q.getKey(), used));
        }
        out.printf("    CPU by query (its tasks, until the last query caught up): %s; driver and the rest %.1f s%n", cpu,
            Math.max(0, cpuSeconds - tasks));
        GapLatency gap = probeGap(job, config, topic, anomalies);
        return new Result(settings.readings(), ceiling, landing, full, perQuery, gap);
      }
    } finally {
      awaitNoActiveJobs(spark);
      spark.stop();
      deleteTopics(topics);
      deleteRecursively(settings.workDir().resolve("stream-" + run));
    }
  }

  /** Tasks of a just-stopped query may still be winding down; stopping Spark under them only logs errors. */
  private static void awaitNoActiveJobs(SparkSession spark) {
    long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
    while (spark.sparkContext().statusTracker().getActiveJobIds().length > 0 && System.nanoTime() < deadline) {
      sleep(Duration.ofMillis(100));
    }
  }

  private void report(Throughput t) {
    out.printf("  %-28s %,11d readings in %6.1f s = %,9.0f readings/s; CPU %.1f s = %.1f ms per 1,000 readings%n",
        t.name(), t.readings(), t.seconds(), t.perSecond(), t.cpuSeconds(), t.cpuMillisPerThousand());
  }

  /** The summary lines: ratio against the goal, GAP latency against its bound, CPU per reading of both. */
  public static List<String> summary(Result r) {
    List<String> lines = new ArrayList<>();
    lines.add(String.format("Full job / ceiling: %.2f (goal >= %.1f): %s", r.ratio(), GOAL_RATIO,
        r.ratio() >= GOAL_RATIO ? "goal met" : "goal NOT met"));
    GapLatency g = r.gap();
    String bound = String.format("threshold %s + 2 x trigger %s = %s", seconds(g.threshold()), seconds(g.triggerInterval()),
        seconds(g.bound()));
    String reported = g.reportedThresholdMs() < 0 ? "" : String.format("; the event names threshold %s",
        seconds(Duration.ofMillis(g.reportedThresholdMs())));
    lines.add(g.measured() == null
        ? String.format("GAP latency: no GAP event for the probe device (bound %s): goal NOT met", bound)
        : String.format("GAP latency: %s from the probe's last reading to its GAP on Kafka (bound %s%s): %s",
            seconds(g.measured()), bound, reported, g.met() ? "goal met" : "goal NOT met"));
    lines.add(String.format("CPU per reading, full job / ceiling: %.1fx (%.1f vs %.1f ms per 1,000 readings)",
        r.full().cpuMillisPerThousand() / Math.max(r.ceiling().cpuMillisPerThousand(), 1e-9),
        r.full().cpuMillisPerThousand(), r.ceiling().cpuMillisPerThousand()));
    if (r.landing() != null) {
      lines.add(String.format("Kafka -> Delta alone / ceiling: %.2f (%.1f ms per 1,000 readings): every record written"
              + " once to one Delta table, none of the job's other work",
          r.landing().perSecond() / r.ceiling().perSecond(), r.landing().cpuMillisPerThousand()));
    }
    return lines;
  }

  private static String seconds(Duration d) {
    return String.format("%.1f s", d.toMillis() / 1000.0);
  }

  // ---- contenders ----------------------------------------------------------------------------

  private StreamingJobConfig config(String topic, String anomalies, String phase) {
    Path dir = settings.workDir().resolve("stream-" + run).resolve(phase);
    List<String> all = new ArrayList<>(settings.overrides());
    // The benchmark's own, last so they win: its topics, fresh tables and checkpoints.
    all.add(StreamingJobConfig.KAFKA_BOOTSTRAP_SERVERS + "=" + settings.bootstrapServers());
    all.add(StreamingJobConfig.TELEMETRY_TOPIC + "=" + topic);
    all.add(StreamingJobConfig.ANOMALIES_TOPIC + "=" + anomalies);
    all.add(StreamingJobConfig.STARTING_OFFSETS + "=earliest");
    all.add(StreamingJobConfig.TABLES_ROOT + "=" + dir.resolve("tables"));
    all.add(StreamingJobConfig.CHECKPOINT_ROOT + "=" + dir.resolve("checkpoints"));
    all.add(StreamingJobConfig.METRICS_PORT + "=0"); // a `vigil stream` on this machine may hold the default port
    return StreamingJobConfig.load(null, all);
  }

  /** The job's Kafka source, same options, straight into the no-op sink until the backlog is read. */
  private Throughput ceiling(SparkSession spark, StreamingJobConfig config, long readings, String phase, int run)
      throws Exception {
    return backlogQuery(spark, config, readings, phase, "ceiling (Kafka -> noop)" + (run == 1 ? "" : " #" + run),
        "ceiling-" + run, w -> w.format("noop").start());
  }

  /**
   * The ceiling run that read fastest. A ceiling run slowed by the machine's other work (or by the
   * JIT still compiling) understates what reading Kafka costs and flatters the ratio; the best of
   * the runs is the stricter denominator.
   */
  static Throughput fastest(List<Throughput> runs) {
    return runs.stream().max(java.util.Comparator.comparingDouble(Throughput::perSecond)).orElseThrow();
  }

  /**
   * The job's Kafka source into Delta's own streaming sink with Delta's defaults: every record as
   * it came, exactly once, in one table. The full job lands the records in bronze too, and does
   * everything else on top.
   */
  private Throughput landing(SparkSession spark, StreamingJobConfig config, long readings, String phase) throws Exception {
    String table = settings.workDir().resolve("stream-" + run).resolve(phase).resolve("landing").toString();
    return backlogQuery(spark, config, readings, phase, "Kafka -> Delta alone", "landing",
        w -> w.format("delta").start(table));
  }

  private interface SinkStart {
    StreamingQuery start(DataStreamWriter<Row> writer) throws Exception;
  }

  /** Runs the Kafka source into {@code sink} until it has read the whole backlog; its time and CPU. */
  private Throughput backlogQuery(SparkSession spark, StreamingJobConfig config, long readings, String phase, String name,
      String id, SinkStart sink) throws Exception {
    Path checkpoint = settings.workDir().resolve("stream-" + run).resolve(phase).resolve(id + "-checkpoint");
    long start = System.nanoTime();
    long cpuStart = CpuMeter.ownCpuNanos();
    StreamingQuery q = sink.start(spark.readStream().format("kafka").options(config.kafkaSourceOptions()).load()
        .writeStream().queryName("vigil-bench-" + id + "-" + phase)
        .option("checkpointLocation", checkpoint.toString())
        .trigger(Trigger.AvailableNow()));
    if (!q.awaitTermination(settings.timeout().toMillis())) {
      q.stop();
      throw new IllegalStateException("the " + id + " query did not finish within " + settings.timeout());
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    double cpuSeconds = (CpuMeter.ownCpuNanos() - cpuStart) / 1e9;
    if (q.exception().isDefined()) {
      throw q.exception().get();
    }
    Map<Integer, Long> end = endOffsets(config.telemetryTopic());
    StreamingQueryProgress last = q.lastProgress();
    if (last == null || kafkaEndOffsetOf(last).map(o -> !covers(o, config.telemetryTopic(), end)).orElse(true)) {
      throw new IllegalStateException("the " + id + " query stopped before the end of " + config.telemetryTopic());
    }
    return new Throughput(name, readings, seconds, cpuSeconds);
  }

  /**
   * Waits until every query has worked off the backlog; returns, per query, when it had. A query
   * reading Kafka is done with the batch whose end offsets reach the topic's end offsets; any other
   * query (one reading a Delta table the others write) once it found nothing new after those.
   * Deliberately no processAllAvailable: the device watch's processing-time timeouts keep it busy.
   */
  private Map<String, Long> awaitCaughtUp(StreamingJob job, StreamingJobConfig config, long startMs, boolean verbose) {
    String topic = config.telemetryTopic();
    Map<Integer, Long> end = endOffsets(topic);
    long total = end.values().stream().mapToLong(Long::longValue).sum();
    Map<String, Map<String, Progress>> seen = new LinkedHashMap<>();
    job.queries().keySet().forEach(name -> seen.put(name, new LinkedHashMap<>()));
    long deadline = System.nanoTime() + settings.timeout().toNanos();
    long nextReport = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (true) {
      for (Map.Entry<String, StreamingQuery> e : job.queries().entrySet()) {
        StreamingQuery q = e.getValue();
        if (!q.isActive()) {
          throw new IllegalStateException("query " + e.getKey() + " stopped during the benchmark",
              q.exception().isDefined() ? q.exception().get() : null);
        }
        for (StreamingQueryProgress p : q.recentProgress()) {
          Progress progress = Progress.of(p, topic);
          seen.get(e.getKey()).put(p.timestamp() + "#" + p.batchId(), progress);
        }
      }
      Map<String, Long> done = doneAt(seen, topic, end);
      if (done.size() == seen.size()) {
        return done;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the streaming job did not work off " + topic + " within " + settings.timeout()
            + "; done so far: " + done.keySet() + " of " + seen.keySet());
      }
      if (verbose && System.nanoTime() > nextReport) {
        nextReport = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        long slowest = seen.values().stream()
            .map(ps -> ps.values().stream().filter(Progress::readsKafka).mapToLong(p -> sum(offsetsOf(p.kafkaEndOffset(), topic))).max())
            .filter(OptionalLong::isPresent).mapToLong(OptionalLong::getAsLong).min().orElse(0);
        out.printf("    ... %.0f s: the slowest Kafka query is at offset %,d of %,d%n",
            (System.currentTimeMillis() - startMs) / 1000.0, slowest, total);
      }
      sleep(POLL);
    }
  }

  /** One progress report, reduced to what the catch-up rule needs. */
  record Progress(long startMs, long durationMs, long inputRows, String kafkaEndOffset) {
    static Progress of(StreamingQueryProgress p, String topic) {
      Long trigger = p.durationMs().get("triggerExecution");
      return new Progress(Instant.parse(p.timestamp()).toEpochMilli(), trigger == null ? 0 : trigger, p.numInputRows(),
          kafkaEndOffsetOf(p).orElse(null));
    }

    boolean readsKafka() {
      return kafkaEndOffset != null;
    }

    long endMs() {
      return startMs + durationMs;
    }
  }

  /**
   * The catch-up rule (see {@link #awaitCaughtUp}) over the progress seen so far, per query: the
   * time it was done, for the queries that are.
   */
  static Map<String, Long> doneAt(Map<String, ? extends Map<String, Progress>> progressByQuery, String topic,
      Map<Integer, Long> end) {
    Map<String, Long> done = new LinkedHashMap<>();
    List<String> others = new ArrayList<>();
    for (Map.Entry<String, ? extends Map<String, Progress>> e : progressByQuery.entrySet()) {
      List<Progress> ps = sorted(e.getValue());
      if (ps.stream().noneMatch(Progress::readsKafka)) {
        others.add(e.getKey());
        continue;
      }
      ps.stream().filter(p -> p.readsKafka() && covers(p.kafkaEndOffset(), topic, end)).findFirst()
          .ifPresent(p -> done.put(e.getKey(), p.endMs()));
    }
    if (done.size() + others.size() < progressByQuery.size() || done.isEmpty()) {
      return done; // Kafka queries still working: the others cannot be done yet
    }
    long kafkaDone = done.values().stream().mapToLong(Long::longValue).max().orElseThrow();
    for (String name : others) {
      List<Progress> ps = sorted(progressByQuery.get(name));
      if (ps.stream().anyMatch(p -> p.startMs() > kafkaDone && p.inputRows() == 0)) {
        long lastWork = ps.stream().filter(p -> p.inputRows() > 0).mapToLong(Progress::endMs).max().orElse(kafkaDone);
        done.put(name, Math.max(kafkaDone, lastWork));
      }
    }
    Map<String, Long> ordered = new LinkedHashMap<>();
    progressByQuery.keySet().stream().filter(done::containsKey).forEach(q -> ordered.put(q, done.get(q)));
    return ordered;
  }

  private static List<Progress> sorted(Map<String, Progress> ps) {
    return ps.values().stream().sorted(Comparator.comparingLong(Progress::startMs)).toList();
  }

  /** Whether a Kafka source offset (Spark's JSON, {@code {"topic":{"0":123,...}}}) reaches {@code end} on every partition. */
  static boolean covers(String endOffsetJson, String topic, Map<Integer, Long> end) {
    Map<Integer, Long> at = offsetsOf(endOffsetJson, topic);
    return end.entrySet().stream().allMatch(e -> at.getOrDefault(e.getKey(), -1L) >= e.getValue());
  }

  /** Partition to offset of one topic from Spark's Kafka offset JSON; empty when absent or unreadable. */
  static Map<Integer, Long> offsetsOf(String offsetJson, String topic) {
    Map<Integer, Long> offsets = new HashMap<>();
    if (offsetJson == null) {
      return offsets;
    }
    try {
      JsonNode partitions = JSON.readTree(offsetJson).path(topic);
      partitions.fields().forEachRemaining(p -> offsets.put(Integer.parseInt(p.getKey()), p.getValue().asLong()));
    } catch (IOException | NumberFormatException e) {
      offsets.clear();
    }
    return offsets;
  }

  private static long sum(Map<Integer, Long> offsets) {
    return offsets.values().stream().mapToLong(Long::longValue).sum();
  }

  private static java.util.Optional<String> kafkaEndOffsetOf(StreamingQueryProgress p) {
    for (SourceProgress s : p.sources()) {
      if (s.description() != null && s.description().startsWith("Kafka") && s.endOffset() != null) {
        return java.util.Optional.of(s.endOffset());
      }
    }
    return java.util.Optional.empty();
  }

  // ---- GAP latency ---------------------------------------------------------------------------

  /**
   * A probe device reports every second for {@code probeFor} (enough intervals for the watch to learn
   * its cadence), then stops; waits for its GAP on the anomalies topic.
   */
  private GapLatency probeGap(StreamingJob job, StreamingJobConfig config, String topic, String anomalies) throws Exception {
    String device = "bench-probe-" + run;
    Duration threshold = gapThreshold(config, PROBE_INTERVAL);
    Duration trigger = config.getDuration(StreamingJobConfig.TRIGGER_INTERVAL);
    GapLatency none = new GapLatency(null, threshold, trigger, -1);
    out.printf("  GAP probe: device %s reports every %s for %s, then stops%n", device, seconds(PROBE_INTERVAL),
        seconds(settings.probeFor()));
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties())) {
      List<TopicPartition> parts = consumer.partitionsFor(anomalies).stream()
          .map(i -> new TopicPartition(anomalies, i.partition())).toList();
      consumer.assign(parts);
      consumer.seekToEnd(parts);
      parts.forEach(consumer::position); // resolve the seek now: only events from here on count

      long probeStart = System.currentTimeMillis();
      long last;
      try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties())) {
        TopicLayout layout = config.parserOptions().topicLayout();
        Readings readings = new Readings(topic, new String[] {device}, layout);
        long n = Math.max(2, settings.probeFor().toMillis() / PROBE_INTERVAL.toMillis());
        long start = System.currentTimeMillis();
        last = start;
        for (long i = 0; i < n; i++) {
          sleepUntil(start + i * PROBE_INTERVAL.toMillis());
          last = System.currentTimeMillis();
          producer.send(readings.record(0, i, last)).get(30, TimeUnit.SECONDS);
        }
      }
      long deadline = last + none.bound().multipliedBy(3).plusSeconds(60).toMillis();
      while (System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
          long seenAt = System.currentTimeMillis();
          AnomalyEvent e = eventOrNull(r.value());
          if (e != null && e.kind() == AnomalyKind.GAP && device.equals(e.deviceId())) {
            out.printf("    micro-batches meanwhile: %s%n", batchTimes(job, probeStart));
            String reported = e.attributes() == null ? null : e.attributes().get("gap_threshold_ms");
            return new GapLatency(Duration.ofMillis(seenAt - last), threshold, trigger,
                reported == null ? -1 : Long.parseLong(reported));
          }
        }
        job.queries().forEach((name, q) -> {
          if (!q.isActive()) {
            throw new IllegalStateException("query " + name + " stopped during the GAP probe",
                q.exception().isDefined() ? q.exception().get() : null);
          }
        });
      }
      out.printf("    micro-batches meanwhile: %s%n", batchTimes(job, probeStart));
      return none;
    }
  }

  /** Per query: batches started since {@code sinceMs}, median and longest duration; where a slow GAP comes from. */
  private static String batchTimes(StreamingJob job, long sinceMs) {
    List<String> parts = new ArrayList<>();
    job.queries().forEach((name, q) -> {
      long[] ms = Stream.of(q.recentProgress()).filter(p -> Instant.parse(p.timestamp()).toEpochMilli() >= sinceMs)
          .mapToLong(p -> p.durationMs().getOrDefault("triggerExecution", 0L)).sorted().toArray();
      parts.add(ms.length == 0 ? name + " none" : String.format("%s %d (median %.1f s, longest %.1f s)", name, ms.length,
          ms[ms.length / 2] / 1000.0, ms[ms.length - 1] / 1000.0));
    });
    return String.join("; ", parts);
  }

  /** The gap threshold of a device reporting every {@code interval}: factor x interval, not below the minimum gap. */
  static Duration gapThreshold(StreamingJobConfig config, Duration interval) {
    long byFactor = (long) Math.ceil(config.getDouble(StreamingJobConfig.WATCH_GAP_FACTOR) * interval.toMillis());
    return Duration.ofMillis(Math.max(byFactor, config.getDuration(StreamingJobConfig.WATCH_MIN_GAP).toMillis()));
  }

  private static AnomalyEvent eventOrNull(byte[] value) {
    try {
      return AnomalyEventJson.fromBytes(value);
    } catch (RuntimeException notAnEvent) {
      return null;
    }
  }

  // ---- the load ------------------------------------------------------------------------------

  /**
   * Writes {@code count} readings as the bridge would have: keyed by device, the MQTT headers, one
   * metric each, spread over the devices round robin with one-second event times up to now.
   */
  private void preload(String topic, long count, int devices, TopicLayout layout) throws Exception {
    String[] ids = new String[devices];
    for (int d = 0; d < devices; d++) {
      ids[d] = String.format("dev-%05d", d);
    }
    Readings readings = new Readings(topic, ids, layout);
    long perDevice = (count + devices - 1) / devices;
    long base = System.currentTimeMillis() - perDevice * PROBE_INTERVAL.toMillis();
    AtomicReference<Exception> failure = new AtomicReference<>();
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(producerProperties())) {
      for (long i = 0; i < count && failure.get() == null; i++) {
        long seq = i / devices;
        producer.send(readings.record((int) (i % devices), seq, base + seq * PROBE_INTERVAL.toMillis()), (md, e) -> {
          if (e != null) {
            failure.compareAndSet(null, e);
          }
        });
      }
      producer.flush();
    }
    if (failure.get() != null) {
      throw new IllegalStateException("preloading " + topic + " failed", failure.get());
    }
    long inTopic = sum(endOffsets(topic));
    if (inTopic < count) {
      throw new IllegalStateException("preloaded " + count + " readings but " + topic + " holds " + inTopic);
    }
  }

  /** Kafka records of the benchmark's devices, in the shape the bridge writes them. */
  static final class Readings {
    private static final byte[] QOS = bytes("1");
    private static final byte[] FALSE = bytes("false");
    private static final byte[] INSTANCE = bytes("vigil-bench");
    private static final byte[] ROUTE = bytes("telemetry");

    private final String topic;
    private final byte[][] keys;
    private final byte[][] mqttTopics;

    Readings(String topic, String[] devices, TopicLayout layout) {
      this.topic = topic;
      this.keys = new byte[devices.length][];
      this.mqttTopics = new byte[devices.length][];
      for (int d = 0; d < devices.length; d++) {
        keys[d] = bytes(devices[d]);
        mqttTopics[d] = bytes(layout.topicFor(devices[d]));
      }
    }

    /** One reading: {@code {"ts":..,"seq":..,"temperature":..}}, one measurement. */
    static byte[] payload(long ts, long seq) {
      return bytes("{\"ts\":" + ts + ",\"seq\":" + seq + ",\"temperature\":" + (20 + seq % 100 / 10.0) + "}");
    }

    String mqttTopic(int device) {
      return new String(mqttTopics[device], StandardCharsets.UTF_8);
    }

    ProducerRecord<byte[], byte[]> record(int device, long seq, long ts) {
      ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, null, ts, keys[device], payload(ts, seq));
      r.headers()
          .add(new RecordHeader(KafkaHeaders.MQTT_TOPIC, mqttTopics[device]))
          .add(new RecordHeader(KafkaHeaders.MQTT_QOS, QOS))
          .add(new RecordHeader(KafkaHeaders.MQTT_RETAIN, FALSE))
          .add(new RecordHeader(KafkaHeaders.MQTT_DUP, FALSE))
          .add(new RecordHeader(KafkaHeaders.MQTT_MESSAGE_ID, bytes(Long.toString(1 + seq % 65535))))
          .add(new RecordHeader(KafkaHeaders.ARRIVAL_MILLIS, bytes(Long.toString(ts))))
          .add(new RecordHeader(KafkaHeaders.BRIDGE_INSTANCE, INSTANCE))
          .add(new RecordHeader(KafkaHeaders.BRIDGE_ROUTE, ROUTE));
      return r;
    }

    private static byte[] bytes(String s) {
      return s.getBytes(StandardCharsets.UTF_8);
    }
  }

  // ---- Kafka plumbing ------------------------------------------------------------------------

  /** The bridge's producer settings, so the preloaded batches look like bridged ones. */
  private Properties producerProperties() {
    Properties p = new Properties();
    p.put("bootstrap.servers", settings.bootstrapServers());
    p.put("acks", "all");
    p.put("enable.idempotence", "true");
    p.put("linger.ms", "20");
    p.put("batch.size", String.valueOf(256 * 1024));
    p.put("compression.type", "lz4");
    p.put("buffer.memory", String.valueOf(64L << 20));
    p.put("key.serializer", ByteArraySerializer.class.getName());
    p.put("value.serializer", ByteArraySerializer.class.getName());
    return p;
  }

  private Properties consumerProperties() {
    Properties p = new Properties();
    p.put("bootstrap.servers", settings.bootstrapServers());
    p.put("key.deserializer", ByteArrayDeserializer.class.getName());
    p.put("value.deserializer", ByteArrayDeserializer.class.getName());
    p.put("isolation.level", "read_committed");
    return p;
  }

  private Map<Integer, Long> endOffsets(String topic) {
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerProperties())) {
      List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
          .map(i -> new TopicPartition(topic, i.partition())).toList();
      Map<Integer, Long> end = new HashMap<>();
      consumer.endOffsets(parts).forEach((tp, offset) -> end.put(tp.partition(), offset));
      return end;
    }
  }

  private Admin admin() {
    Properties p = new Properties();
    p.put("bootstrap.servers", settings.bootstrapServers());
    return Admin.create(p);
  }

  private void createTopics(Map<String, Integer> partitions) throws Exception {
    try (Admin admin = admin()) {
      List<NewTopic> topics = new ArrayList<>();
      partitions.forEach((name, n) -> topics.add(new NewTopic(name, n, (short) 1)));
      admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
    }
  }

  /** The backlog is large: leave no benchmark topics behind in the user's broker. */
  private void deleteTopics(List<String> topics) {
    if (topics.isEmpty()) {
      return;
    }
    try (Admin admin = admin()) {
      admin.deleteTopics(topics).all().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      out.println("  (could not delete the benchmark topics " + topics + ": " + e + ")");
    }
  }

  private static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("deleting the benchmark's tables and checkpoints under " + dir, e);
    }
  }

  private static void sleepUntil(long epochMs) {
    long wait = epochMs - System.currentTimeMillis();
    if (wait > 0) {
      sleep(Duration.ofMillis(wait));
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted during the stream benchmark", e);
    }
  }
}
