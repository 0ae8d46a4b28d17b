package io.vigil.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.schemas.AnomalyEvent;
import io.vigil.schemas.AnomalyEventJson;
import io.vigil.schemas.AnomalyKind;
import io.vigil.schemas.KafkaHeaders;
import io.vigil.simulator.FaultKind;
import io.vigil.simulator.FaultLabel;
import io.vigil.simulator.FleetGenerator;
import io.vigil.simulator.MessageSink;
import io.vigil.simulator.SimulatedMessage;
import io.vigil.simulator.Simulator;
import io.vigil.simulator.SimulatorConfig;
import io.vigil.testsupport.KafkaServerExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.streaming.StreamingQuery;
import org.apache.spark.sql.streaming.StreamingQueryListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The device watch against a real Kafka broker and a simulated fleet with labelled faults: every
 * injected gap, dead device and frequency change is detected in time, nothing else is raised, and
 * a stop and restart of the query from its checkpoint in the middle loses and duplicates nothing.
 *
 * <p>Ground truth is taken from what was actually sent (the simulator's labels say where a fault
 * is; the sent readings say how long each silence really was and which cadence a device really had),
 * so a silence that happens to fall between "clearly a gap" and "clearly not" is tolerated either
 * way instead of making the test flaky.
 */
class DeviceWatchIT {
  private static final Logger LOG = LoggerFactory.getLogger(DeviceWatchIT.class);
  @RegisterExtension static final KafkaServerExtension kafka = new KafkaServerExtension();

  private static final String TELEMETRY = "watch.telemetry";
  private static final String ANOMALIES = "watch.anomalies";
  private static final long TRIGGER_MS = 1_000;
  private static final double GAP_FACTOR = 3.0;
  private static final long MIN_GAP_MS = 4_000;
  private static final long INACTIVE_MS = 40_000;
  private static final int MIN_SAMPLES = 5;
  private static final double FREQUENCY_FACTOR = 1.5;
  private static final long GHOST_INTERVAL_MS = 2_000;
  /**
   * Slack on wall-clock deadlines: a batch's processing time (what detectedAt carries) is taken a
   * little after its progress timestamp, and the bridge-to-Kafka hop and the producer's batching
   * sit between "sent" and "readable". Slow batches are not covered by this slack but by counting
   * batches (see {@link #checkLatency}).
   */
  private static final long WALL_SLACK_MS = 2_000;
  private static final Duration FLEET = Duration.ofSeconds(100);
  private static final Duration TAIL = Duration.ofSeconds(22);

  private static SparkSession spark;
  /** Start of the first batch after the restart (see nthBatchFrom). */
  private static long restartBatch;

  @TempDir Path dir;

  @BeforeAll
  static void startSpark() {
    spark = SparkSessions.local("DeviceWatchIT", 2);
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  /** One reading as sent: event time and the arrival time stamped into its header. */
  record Sent(String device, long eventMs, long arrivalMs) {}

  @Test
  void injectedFaultsAreDetectedInTimeWithNothingElseRaisedAcrossARestart() throws Exception {
    kafka.createTopic(TELEMETRY, 2);
    kafka.createTopic(ANOMALIES, 1);
    Map<String, String> sim = new HashMap<>(Map.of(
        SimulatorConfig.DEVICES, "10", SimulatorConfig.DURATION, FLEET.toSeconds() + "s",
        SimulatorConfig.INTERVAL, "1s", SimulatorConfig.SEED, "21",
        SimulatorConfig.FAULTS, "gap=1,dead=0.2,frequency=0.3",
        SimulatorConfig.FAULT_GAP_MIN, "20s", SimulatorConfig.FAULT_GAP_MAX, "25s",
        SimulatorConfig.FAULT_FREQUENCY_FACTOR, "2.0", SimulatorConfig.OUTPUT, "count"));
    SimulatorConfig simConfig = new SimulatorConfig(sim);

    // The fleet is known: every device registered with its nominal interval, plus one that never reports.
    FleetGenerator layout = new FleetGenerator(simConfig, Clock.systemUTC());
    Map<String, Long> registered = new TreeMap<>();
    layout.deviceIds().forEach(d -> registered.put(d, layout.intervalOf(d).toMillis()));
    StringBuilder csv = new StringBuilder("device_id,expected_interval\n");
    registered.forEach((d, ms) -> csv.append(d).append(',').append(ms).append("ms\n"));
    csv.append("ghost-1,").append(GHOST_INTERVAL_MS).append("ms\n");
    Path registry = Files.writeString(dir.resolve("registry.csv"), csv);

    StreamingJobConfig config = StreamingJobConfig.load(null, List.of(
        "kafka.bootstrap.servers=" + kafka.bootstrapServers(),
        "topics.telemetry=" + TELEMETRY, "topics.anomalies=" + ANOMALIES,
        "tables.root=" + dir.resolve("tables"), "checkpoints.root=" + dir.resolve("checkpoints"),
        "job.queries=device-watch", "trigger.interval=" + TRIGGER_MS + "ms",
        "device.watch.registry.path=" + registry,
        "device.watch.gap.factor=" + GAP_FACTOR, "device.watch.min.gap=" + MIN_GAP_MS + "ms",
        "device.watch.inactive.after=" + INACTIVE_MS + "ms", "device.watch.state.expiry=1h",
        "device.watch.min.samples=" + MIN_SAMPLES, "device.watch.frequency.factor=" + FREQUENCY_FACTOR));

    List<Sent> sent = new CopyOnWriteArrayList<>();
    List<Long> batchStarts = new CopyOnWriteArrayList<>();
    StreamingQueryListener batches = new StreamingQueryListener() {
      @Override
      public void onQueryStarted(QueryStartedEvent event) {}

      @Override
      public void onQueryProgress(QueryProgressEvent event) {
        batchStarts.add(Instant.parse(event.progress().timestamp()).toEpochMilli());
      }

      @Override
      public void onQueryTerminated(QueryTerminatedEvent event) {}
    };
    spark.streams().addListener(batches);
    ExecutorService fleet = Executors.newSingleThreadExecutor();
    StreamingJob job = null;
    List<FaultLabel> labels;
    long stopAt;
    try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
      // The fleet is already running when the watch starts, as in production: registered devices
      // that report are in the first batches, and start-up is a backlog the watch must not mistake
      // for silence.
      FleetGenerator generator = new FleetGenerator(simConfig, Clock.systemUTC());
      Future<?> run = fleet.submit(() -> new Simulator(simConfig, Clock.systemUTC())
          .run(generator, new KafkaSink(producer, sent), null));
      // Start once about two readings per device are queued: a backlog from the first batch on.
      await("the fleet's first readings").atMost(Duration.ofSeconds(60))
          .until(() -> sent.size() >= 2 * registered.size());
      long fleetStart = sent.stream().mapToLong(Sent::eventMs).min().orElseThrow();
      job = StreamingJob.start(spark, config);
      awaitFirstBatch(job);

      // Stop the query mid-run and restart it from its checkpoint while the devices keep sending.
      awaitFleetPast(sent, fleetStart + FLEET.toMillis() * 2 / 5, "the fleet two fifths through its run");
      job.stop();
      stopAt = System.currentTimeMillis();
      awaitFleetPast(sent, stopAt + 3_000, "three seconds of readings sent while the query is down");
      job = StreamingJob.start(spark, config);
      awaitFirstBatch(job);
      LOG.info("Query down from {} to {}", Instant.ofEpochMilli(stopAt), Instant.now());

      run.get(FLEET.toSeconds() + 60, TimeUnit.SECONDS);
      labels = generator.labels();
      // Dead devices near the end still get their threshold: the watch must have run a batch that
      // long after the last reading arrived.
      long lastArrival = sent.stream().mapToLong(Sent::arrivalMs).max().orElseThrow();
      await("a device-watch batch " + TAIL + " after the fleet's last reading")
          .atMost(TAIL.plusMinutes(3)).pollInterval(Duration.ofMillis(200))
          .until(() -> batchStarts.stream().anyMatch(t -> t >= lastArrival + TAIL.toMillis()));
      assertThat(job.queries().values()).allMatch(q -> q.isActive() && q.exception().isEmpty());
    } finally {
      if (job != null) {
        job.stop();
      }
      spark.streams().removeListener(batches);
      fleet.shutdownNow();
    }
    LOG.info("{} batches, starting at {}", batchStarts.size(), batchStarts.stream().map(Instant::ofEpochMilli).toList());
    // The first batch after the restart runs with the watermark the last batch before the stop ran
    // with (Spark restores it from the offset log; the stopped query never computed the next one),
    // so across the restart the read position takes one batch longer to catch up.
    long firstAfterRestart = batchStarts.stream().filter(b -> b >= stopAt).min(Long::compare).orElseThrow();
    restartBatch = firstAfterRestart;
    long watchEnd = System.currentTimeMillis();

    // ---- what came out -------------------------------------------------------------------------
    List<Row> rows = spark.read().format("delta").load(config.anomalyEventsPath()).collectAsList();
    List<String> tableIds = rows.stream().map(r -> r.<String>getAs("event_id")).toList();
    assertThat(tableIds).as("event ids in the Delta table (idempotent appends)").doesNotHaveDuplicates();
    List<ConsumerRecord<byte[], byte[]>> records = kafka.awaitRecords(ANOMALIES,
        rs -> rs.stream().map(r -> header(r, KafkaHeaders.EVENT_ID)).collect(Collectors.toSet()).size() >= tableIds.size(),
        Duration.ofSeconds(30));
    Map<String, AnomalyEvent> byId = new TreeMap<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      AnomalyEvent e = AnomalyEventJson.fromBytes(r.value());
      assertThat(header(r, KafkaHeaders.EVENT_ID)).isEqualTo(e.eventId());
      AnomalyEvent before = byId.putIfAbsent(e.eventId(), e);
      if (before != null) {
        assertThat(e).as("a resent event is the same event").isEqualTo(before);
      }
    }
    assertThat(byId.keySet()).as("Kafka after dedup holds exactly the table's events").isEqualTo(new HashSet<>(tableIds));
    List<AnomalyEvent> events = new ArrayList<>(byId.values());
    events.sort(Comparator.comparing(AnomalyEvent::detectedAt));
    events.forEach(e -> LOG.info("event {} {} start={} detected={} value={} attrs={}", e.kind(), e.deviceId(), e.start(),
        e.detectedAt(), e.value(), e.attributes()));
    labels.forEach(l -> LOG.info("label {}", l));

    // ---- ground truth from what was sent ------------------------------------------------------
    Map<String, List<Sent>> byDevice = sent.stream().collect(Collectors.groupingBy(Sent::device, TreeMap::new,
        Collectors.collectingAndThen(Collectors.toList(), l -> l.stream().sorted(Comparator.comparingLong(Sent::arrivalMs)).toList())));
    Set<String> dead = labels.stream().filter(l -> l.kind() == FaultKind.DEAD).map(FaultLabel::device).collect(Collectors.toSet());
    Set<String> accounted = new HashSet<>();
    List<String> problems = new ArrayList<>();
    long maxWallLatency = 0;
    int expectedGaps = 0;

    // Silences between two readings: labelled gaps (and any pause long enough to be one).
    for (Map.Entry<String, List<Sent>> d : byDevice.entrySet()) {
      List<Sent> s = d.getValue();
      for (int i = 1; i < s.size(); i++) {
        Sent last = s.get(i - 1);
        long silence = s.get(i).arrivalMs() - last.arrivalMs();
        long threshold = thresholdBefore(s, i - 1, registered.get(d.getKey()));
        AnomalyEvent gap = find(events, AnomalyKind.GAP, d.getKey(), last.eventMs());
        if (silence >= 1.25 * threshold) {
          expectedGaps++;
          if (gap == null) {
            problems.add("missed GAP of " + silence + " ms on " + d.getKey() + " after " + Instant.ofEpochMilli(last.eventMs()));
            continue;
          }
          maxWallLatency = Math.max(maxWallLatency, checkLatency(gap, last, problems, batchStarts, events));
          AnomalyEvent closed = find(events, AnomalyKind.GAP_CLOSED, d.getKey(), last.eventMs());
          if (closed == null || closed.value() * 1000 != silence) {
            problems.add("GAP_CLOSED for " + d.getKey() + " missing or with a wrong length (" + silence + " ms): " + closed);
          }
          accounted.add(gap.eventId());
          if (closed != null) {
            accounted.add(closed.eventId());
          }
        } else if (silence <= 0.8 * threshold && gap != null) {
          problems.add("false GAP on " + d.getKey() + " after a " + silence + " ms pause (threshold ~" + threshold + "): " + gap);
        } else if (gap != null) {
          accounted.add(gap.eventId()); // between clearly-not and clearly-a-gap: tolerated either way
          AnomalyEvent closed = find(events, AnomalyKind.GAP_CLOSED, d.getKey(), last.eventMs());
          if (closed != null) {
            accounted.add(closed.eventId());
          }
        }
      }
    }

    // Dead devices: GAP, then INACTIVE once silent long enough. For the others, the silence after
    // their final reading is the end of the run, not a fault.
    int expectedDead = 0;
    for (Map.Entry<String, List<Sent>> d : byDevice.entrySet()) {
      List<Sent> s = d.getValue();
      Sent last = s.get(s.size() - 1);
      long threshold = thresholdBefore(s, s.size() - 1, registered.get(d.getKey()));
      AnomalyEvent gap = find(events, AnomalyKind.GAP, d.getKey(), last.eventMs());
      AnomalyEvent inactive = find(events, AnomalyKind.INACTIVE, d.getKey(), last.eventMs());
      if (!dead.contains(d.getKey())) {
        Arrays.asList(gap, inactive).forEach(e -> { if (e != null) accounted.add(e.eventId()); });
        continue;
      }
      // Expected once two batches ran after the promised time (see checkLatency).
      boolean gapDue = nthBatchFrom(batchStarts, last.arrivalMs() + threshold + 2 * TRIGGER_MS, 2) < watchEnd;
      boolean inactiveDue = nthBatchFrom(batchStarts, last.arrivalMs() + INACTIVE_MS + 2 * TRIGGER_MS, 2) < watchEnd;
      if (gapDue) {
        expectedDead++;
        if (gap == null) {
          problems.add("dead device " + d.getKey() + " not flagged (silent since " + Instant.ofEpochMilli(last.arrivalMs()) + ")");
        } else {
          maxWallLatency = Math.max(maxWallLatency, checkLatency(gap, last, problems, batchStarts, events));
        }
      }
      if (inactiveDue && inactive == null) {
        problems.add("dead device " + d.getKey() + " never INACTIVE");
      }
      Arrays.asList(gap, inactive).forEach(e -> { if (e != null) accounted.add(e.eventId()); });
    }

    // Frequency changes: expected where the cadence really moved by the factor with enough new intervals to judge.
    int expectedFrequency = 0;
    for (FaultLabel l : labels.stream().filter(l -> l.kind() == FaultKind.FREQUENCY_CHANGE).toList()) {
      List<Sent> s = byDevice.get(l.device());
      long onset = l.start().toEpochMilli();
      // Intervals ending before the onset are the old cadence, those ending after it the new one
      // (silences of labelled gaps left out: they are no cadence).
      List<Long> before = new ArrayList<>();
      List<Sent> after = new ArrayList<>();
      List<Long> newDeltas = new ArrayList<>();
      for (int i = 1; i < s.size(); i++) {
        long delta = s.get(i).arrivalMs() - s.get(i - 1).arrivalMs();
        if (delta > 3 * registered.get(l.device())) {
          continue;
        }
        if (s.get(i).eventMs() < onset) {
          before.add(delta);
        } else {
          after.add(s.get(i));
          newDeltas.add(delta);
        }
      }
      double ratio = median(newDeltas) / median(before.subList(Math.max(0, before.size() - MIN_SAMPLES), before.size()));
      AnomalyEvent change = events.stream().filter(e -> e.kind() == AnomalyKind.FREQUENCY_CHANGE && e.deviceId().equals(l.device()))
          .findFirst().orElse(null);
      boolean clear = (ratio >= FREQUENCY_FACTOR * 1.2 || ratio <= 1 / (FREQUENCY_FACTOR * 1.2)) && after.size() >= MIN_SAMPLES;
      LOG.info("frequency label {}: ratio {} over {} new intervals; event {}", l, ratio, after.size(), change);
      if (clear) {
        expectedFrequency++;
        long promise = after.get(MIN_SAMPLES - 1).arrivalMs() + 2 * TRIGGER_MS;
        long deadline = Math.max(promise, nthBatchFrom(batchStarts, promise, 2)) + WALL_SLACK_MS;
        if (change == null) {
          problems.add("missed FREQUENCY_CHANGE on " + l.device() + " (ratio " + ratio + ")");
        } else if (change.detectedAt().toEpochMilli() > deadline) {
          problems.add("late FREQUENCY_CHANGE on " + l.device() + ": " + change.detectedAt() + " > " + Instant.ofEpochMilli(deadline));
        }
      }
      events.stream().filter(e -> e.kind() == AnomalyKind.FREQUENCY_CHANGE && e.deviceId().equals(l.device()))
          .forEach(e -> accounted.add(e.eventId()));
    }

    // The registered device that never reports.
    List<AnomalyEvent> never = events.stream().filter(e -> e.kind() == AnomalyKind.NEVER_REPORTED).toList();
    assertThat(never).extracting(AnomalyEvent::deviceId).containsExactly("ghost-1");
    long neverLatency = never.get(0).detectedAt().toEpochMilli() - never.get(0).start().toEpochMilli();
    long neverPromise = never.get(0).start().toEpochMilli() + Math.max(MIN_GAP_MS, (long) (GAP_FACTOR * GHOST_INTERVAL_MS))
        + 2 * TRIGGER_MS;
    assertThat(never.get(0).detectedAt().toEpochMilli())
        .isLessThanOrEqualTo(Math.max(neverPromise, nthBatchFrom(batchStarts, neverPromise, 2)) + WALL_SLACK_MS);
    LOG.info("NEVER_REPORTED after {} ms", neverLatency);
    accounted.add(never.get(0).eventId());

    // Nothing else.
    for (AnomalyEvent e : events) {
      if (!accounted.contains(e.eventId())) {
        problems.add("event where no fault was injected: " + e);
      }
    }
    LOG.info("expected gaps {}, dead {}, frequency changes {}; max wall latency over threshold {} ms; {} events",
        expectedGaps, expectedDead, expectedFrequency, maxWallLatency, events.size());
    assertThat(problems).isEmpty();
    // The run must have exercised every kind, or it proves nothing.
    assertThat(expectedGaps).isGreaterThanOrEqualTo(3);
    assertThat(expectedDead).isGreaterThanOrEqualTo(1);
    assertThat(expectedFrequency).isGreaterThanOrEqualTo(1);
  }

  /**
   * Latency of a GAP. The promise is threshold + 2 trigger intervals after the last arrival. A batch
   * that overruns its trigger (a busy machine, the restart, start-up) delays the next one, and the
   * watch can only speak in a batch, judging silence against what the previous batch read; so the
   * deadline is the later of that promise and the start of the second batch that began after it,
   * plus {@link #WALL_SLACK_MS}. Against the read position a GAP is never early.
   *
   * @return wall latency beyond the threshold
   */
  private static long checkLatency(AnomalyEvent gap, Sent last, List<String> problems, List<Long> batchStarts,
      List<AnomalyEvent> events) {
    long threshold = Long.parseLong(gap.attributes().get("gap_threshold_ms"));
    long lastArrival = Instant.parse(gap.attributes().get("last_arrival")).toEpochMilli();
    if (lastArrival != last.arrivalMs()) {
      problems.add("GAP on " + gap.deviceId() + " names last arrival " + lastArrival + ", sent " + last.arrivalMs());
    }
    long readLatency = Instant.parse(gap.attributes().get("read_position")).toEpochMilli() - lastArrival;
    if (readLatency < threshold) {
      problems.add("GAP on " + gap.deviceId() + " raised early: " + readLatency + " ms of read position (threshold " + threshold + ")");
    }
    long promise = lastArrival + threshold + 2 * TRIGGER_MS;
    long deadline = Math.max(promise, nthBatchFrom(batchStarts, promise, 2)) + WALL_SLACK_MS;
    boolean onResume = events.stream().anyMatch(e -> e.kind() == AnomalyKind.GAP_CLOSED && e.start().equals(gap.start())
        && e.detectedAt().equals(gap.detectedAt()));
    LOG.info("GAP {} after {}: read latency {} ms, wall latency {} ms, threshold {} ms, deadline +{} ms{}", gap.deviceId(),
        Instant.ofEpochMilli(lastArrival), readLatency, gap.detectedAt().toEpochMilli() - lastArrival, threshold,
        deadline - lastArrival, onResume ? " (raised when data resumed)" : "");
    if (gap.detectedAt().toEpochMilli() > deadline) {
      problems.add("GAP on " + gap.deviceId() + " raised at " + gap.detectedAt() + ", deadline " + Instant.ofEpochMilli(deadline));
    }
    return gap.detectedAt().toEpochMilli() - lastArrival - threshold;
  }

  /**
   * Start of the n-th batch that began at or after {@code t} (far future if there was none), one
   * batch later if the restart's first batch is among them (it runs on the pre-stop watermark).
   */
  private static long nthBatchFrom(List<Long> batchStarts, long t, int n) {
    List<Long> from = batchStarts.stream().filter(b -> b >= t).sorted().toList();
    int k = n + (from.stream().limit(n).anyMatch(b -> b == restartBatch) ? 1 : 0);
    return from.size() >= k ? from.get(k - 1) : Long.MAX_VALUE / 2;
  }

  /** The gap threshold the watch should have had before reading {@code i}: 3 x median of the 5 intervals before it. */
  private static long thresholdBefore(List<Sent> s, int i, long registryMs) {
    List<Long> deltas = new ArrayList<>();
    for (int j = Math.max(1, i - MIN_SAMPLES + 1); j <= i; j++) {
      deltas.add(s.get(j).arrivalMs() - s.get(j - 1).arrivalMs());
    }
    double interval = deltas.size() < MIN_SAMPLES ? registryMs : median(deltas);
    return Math.max(MIN_GAP_MS, (long) (GAP_FACTOR * interval));
  }

  private static double median(List<Long> values) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    List<Long> sorted = values.stream().sorted().toList();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2.0;
  }

  private static AnomalyEvent find(List<AnomalyEvent> events, AnomalyKind kind, String device, long startMs) {
    return events.stream().filter(e -> e.kind() == kind && e.deviceId().equals(device) && e.start().toEpochMilli() == startMs)
        .findFirst().orElse(null);
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String key) {
    var h = r.headers().lastHeader(key);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  /** Waits until the fleet has sent a reading with an event time at or after {@code eventMs}. */
  private static void awaitFleetPast(List<Sent> sent, long eventMs, String what) {
    await(what).atMost(FLEET.plusMinutes(1)).pollInterval(Duration.ofMillis(100))
        .until(() -> sent.stream().anyMatch(r -> r.eventMs() >= eventMs));
  }

  private static void awaitFirstBatch(StreamingJob job) {
    StreamingQuery q = job.query(StreamingJobConfig.QUERY_DEVICE_WATCH).orElseThrow();
    await("first device-watch batch").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(200))
        .until(() -> {
          if (q.exception().isDefined()) {
            throw q.exception().get();
          }
          return q.lastProgress() != null;
        });
  }

  /** Publishes like the bridge: MQTT topic and arrival time in headers, the arrival stamped at send time. */
  private static final class KafkaSink implements MessageSink {
    private final KafkaProducer<byte[], byte[]> producer;
    private final List<Sent> sent;
    private long delivered;

    KafkaSink(KafkaProducer<byte[], byte[]> producer, List<Sent> sent) {
      this.producer = producer;
      this.sent = sent;
    }

    @Override
    public void send(SimulatedMessage m) {
      long arrival = System.currentTimeMillis();
      ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(TELEMETRY, m.deviceId().getBytes(StandardCharsets.UTF_8),
          m.payload());
      r.headers().add(KafkaHeaders.MQTT_TOPIC, m.topic().getBytes(StandardCharsets.UTF_8));
      r.headers().add(KafkaHeaders.ARRIVAL_MILLIS, Long.toString(arrival).getBytes(StandardCharsets.UTF_8));
      producer.send(r);
      sent.add(new Sent(m.deviceId(), m.eventTime().toEpochMilli(), arrival));
      delivered++;
    }

    @Override
    public void flush() {
      producer.flush();
    }

    @Override
    public long delivered() {
      return delivered;
    }

    @Override
    public long failed() {
      return 0;
    }

    @Override
    public void close() {
      flush();
    }
  }
}
