package io.vigil.cli.internal;

import io.vigil.bridge.BridgeConfig;
import io.vigil.bridge.MqttKafkaBridge;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * {@code vigil bench bridge}: the same QoS 1 load through three consumers of one broker, measured in
 * one process so the figures compare. The ceiling is a Paho subscriber that only counts; Vigil's
 * bridge lands every message in Kafka before acknowledging it; the naive bridge acknowledges on
 * arrival and sends each message to Kafka synchronously, as simple bridges do.
 *
 * <p>Throughput is messages over the time from the first publish to the last arrival (at the
 * subscriber, or Kafka's log-append time). Latency is publish time to that arrival: the bench keeps
 * each message's publish time in a table by its sequence number (which every payload shape carries),
 * because the shapes of other firmware carry no time of millisecond resolution (Tasmota's Time is
 * whole seconds; Zigbee2MQTT sends none), and a time field of our own would be a foreign metric to
 * the preset under test.
 */
public final class BridgeBenchmark {
  public record Settings(String mqttUrl, String bootstrapServers, int messages, int devices, int payloadBytes,
      Duration naiveBudget, Path workDir, String mqttVersion, Map<String, String> bridgeOverrides, int rounds,
      Map<String, Long> serverPids, PayloadShape shape) {
    /** Today's callers: Vigil's own dialect. */
    public Settings(String mqttUrl, String bootstrapServers, int messages, int devices, int payloadBytes, Duration naiveBudget,
        Path workDir, String mqttVersion, Map<String, String> bridgeOverrides, int rounds, Map<String, Long> serverPids) {
      this(mqttUrl, bootstrapServers, messages, devices, payloadBytes, naiveBudget, workDir, mqttVersion, bridgeOverrides, rounds,
          serverPids, PayloadShape.VIGIL);
    }
  }

  public record Figures(String name, long delivered, double seconds, double msgPerSecond, double p50Ms, double p99Ms,
      long duplicates, Map<String, Double> cpuMsPerThousand) {
    /** CPU of the bench JVM and the servers together, per 1,000 messages. */
    public double totalCpuMsPerThousand() {
      return cpuMsPerThousand.values().stream().mapToDouble(Double::doubleValue).sum();
    }

    Figures withCpu(Map<String, Double> cpu) {
      return new Figures(name, delivered, seconds, msgPerSecond, p50Ms, p99Ms, duplicates, cpu);
    }
  }

  private static final int PUBLISH_WINDOW = 1000;
  private static final int WARM_UP_MESSAGES = 50_000;

  private final Settings settings;
  private final CpuMeter cpu;
  private Map<String, Long> cpuWhenDelivered;
  private final PrintStream out;
  private final String run = Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36);
  private final List<String> createdTopics = new ArrayList<>();
  /** Publish time by sequence number of the contender being measured (written before each publish). */
  private long[] publishedAt = new long[0];
  /** Messages Vigil's bridge dead-lettered in the counted rounds: the shape's preset must accept all. */
  private long deadLettered;

  public BridgeBenchmark(Settings settings, PrintStream out) {
    this.settings = settings;
    this.out = out;
    this.cpu = new CpuMeter(settings.serverPids());
  }

  /** Every round's ceiling and Vigil figures (same index = same round), and the naive bridge's. */
  public record Result(List<Figures> ceilings, List<Figures> vigils, Figures naive, long deadLettered) {
    /** Vigil over the ceiling of the same round, per round. */
    public List<Double> ratios() {
      List<Double> r = new ArrayList<>();
      for (int i = 0; i < vigils.size(); i++) {
        r.add(vigils.get(i).msgPerSecond() / ceilings.get(i).msgPerSecond());
      }
      return r;
    }

    public double medianRatio() {
      return median(ratios());
    }

    public Figures medianVigil() {
      return byMedianRate(vigils);
    }

    public Figures medianCeiling() {
      return byMedianRate(ceilings);
    }

    private static Figures byMedianRate(List<Figures> figures) {
      List<Figures> sorted = new ArrayList<>(figures);
      sorted.sort(Comparator.comparingDouble(Figures::msgPerSecond));
      return sorted.get((sorted.size() - 1) / 2);
    }
  }

  static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  public Result run() throws Exception {
    try {
      return runContenders();
    } finally {
      deleteTopics();
    }
  }

  private Result runContenders() throws Exception {
    // A cold JIT would slow the publisher and the counting subscriber in the first pass only and so
    // flatter every later contender against the ceiling: warm both up on a pass that is not counted.
    Figures warmUp = ceiling("warm-up", "bench/warmup-" + run, Math.min(settings.messages(), WARM_UP_MESSAGES));
    out.printf("  (warm-up pass of %,d messages through the counting subscriber, not counted: %,.0f msg/s)%n",
        warmUp.delivered(), warmUp.msgPerSecond());
    // The same holds for Vigil: its parser, producer and the broker's produce path (a just-started
    // broker spends most of its CPU compiling) would be cold in round 1 only, and billed to it.
    Figures vigilWarmUp = vigil(run + "-warmup", Math.min(settings.messages(), WARM_UP_MESSAGES));
    out.printf("  (warm-up pass of %,d messages through Vigil's bridge, not counted: %,.0f msg/s)%n",
        vigilWarmUp.delivered(), vigilWarmUp.msgPerSecond());
    // Ceiling and Vigil alternate, and each ratio compares the two runs of one round: on a machine
    // whose load drifts, a ratio of neighbours is far steadier than one of two separate phases.
    List<Figures> ceilings = new ArrayList<>();
    List<Figures> vigils = new ArrayList<>();
    for (int round = 1; round <= settings.rounds(); round++) {
      String id = run + "-r" + round;
      Figures ceiling = metered(() -> ceiling("ceiling (count)", "bench/ceiling-" + id, settings.messages()));
      report(round, ceiling);
      Figures vigil = metered(() -> vigil(id, settings.messages()));
      report(round, vigil);
      out.printf("  round %d: Vigil / ceiling %.2f%n", round, vigil.msgPerSecond() / ceiling.msgPerSecond());
      ceilings.add(ceiling);
      vigils.add(vigil);
    }
    Figures naive = metered(this::naive);
    report(0, naive);
    return new Result(ceilings, vigils, naive, deadLettered);
  }

  /** Runs one contender and adds the CPU it cost, per 1,000 messages delivered. */
  private Figures metered(ContenderRun contender) throws Exception {
    Map<String, Long> before = cpu.read();
    cpuWhenDelivered = null;
    Figures f = contender.run();
    Map<String, Long> after = cpuWhenDelivered != null ? cpuWhenDelivered : cpu.read();
    return f.withCpu(CpuMeter.perThousand(before, after, f.delivered()));
  }

  /** Read when a contender has delivered its load, so that reading Kafka back for the figures is not billed to it. */
  private void contenderDelivered() {
    cpuWhenDelivered = cpu.read();
  }

  @FunctionalInterface
  private interface ContenderRun {
    Figures run() throws Exception;
  }

  private void report(int round, Figures f) {
    out.printf("  %s%-18s %,9d msgs in %6.1f s = %,8.0f msg/s   latency p50 %7.1f ms  p99 %8.1f ms   duplicates %d%n",
        round > 0 ? "round " + round + " " : "", f.name(), f.delivered(), f.seconds(), f.msgPerSecond(), f.p50Ms(), f.p99Ms(), f.duplicates());
    if (!f.cpuMsPerThousand().isEmpty()) {
      StringBuilder parts = new StringBuilder();
      f.cpuMsPerThousand().forEach((name, ms) -> parts.append(String.format("%s %.0f, ", name, ms)));
      out.printf("      CPU per 1,000 msgs: %.0f ms (%s)%n", f.totalCpuMsPerThousand(), parts.substring(0, parts.length() - 2));
    }
  }

  // ---- the three contenders ------------------------------------------------------------------

  private Figures ceiling(String name, String prefix, int n) throws Exception {
    int[] arrivedSeq = new int[n];
    long[] arrivedAt = new long[n];
    AtomicInteger received = new AtomicInteger();
    AtomicLong last = new AtomicLong();
    CountDownLatch done = new CountDownLatch(1);
    MqttAsyncClient sub = client(prefix.replace('/', '-'));
    sub.setCallback(new Callback() {
      @Override
      public void messageArrived(String topic, MqttMessage message) {
        long now = System.currentTimeMillis();
        int i = received.getAndIncrement();
        if (i < n) {
          arrivedSeq[i] = Payloads.seq(message.getPayload());
          arrivedAt[i] = now;
        }
        last.set(now);
        if (i + 1 == n) {
          done.countDown();
        }
      }
    });
    sub.connect(options(true)).waitForCompletion();
    sub.subscribe(settings.shape().filter(prefix), 1).waitForCompletion();
    long start = publish(prefix, n);
    done.await(10, TimeUnit.MINUTES);
    contenderDelivered();
    sub.disconnect().waitForCompletion();
    sub.close();
    int got = Math.min(received.get(), n);
    long[] latency = new long[got];
    for (int i = 0; i < got; i++) {
      latency[i] = arrivedAt[i] - publishedAt[arrivedSeq[i]];
    }
    return figures(name, latency, got, start, last.get(), 0);
  }

  private Figures vigil(String id, int messages) throws Exception {
    String prefix = "bench/vigil-" + id;
    String topic = "bench.vigil." + id;
    createTopic(topic);
    Map<String, String> raw = new HashMap<>();
    raw.put(BridgeConfig.MQTT_URL, settings.mqttUrl());
    raw.put(BridgeConfig.KAFKA_BOOTSTRAP, settings.bootstrapServers());
    raw.put(BridgeConfig.MQTT_CLIENT_ID, "bench-vigil-" + id);
    raw.put(BridgeConfig.MQTT_VERSION, settings.mqttVersion());
    raw.put(BridgeConfig.MQTT_FILTERS, settings.shape().filter(prefix));
    raw.putAll(settings.shape().parserSettings());
    raw.put(BridgeConfig.TOPIC_LAYOUT, settings.shape().layout(prefix));
    raw.put(BridgeConfig.KAFKA_TOPIC, topic);
    String deadLetterTopic = topic + ".deadletter";
    createTopic(deadLetterTopic);
    raw.put(BridgeConfig.KAFKA_DEADLETTER_TOPIC, deadLetterTopic);
    raw.put(BridgeConfig.MQTT_PERSISTENCE_DIR, settings.workDir().resolve("vigil-bridge-" + id).toString());
    raw.putAll(settings.bridgeOverrides());
    BridgeConfig config = new BridgeConfig(raw);
    try (MqttKafkaBridge bridge = new MqttKafkaBridge(config)) {
      bridge.start();
      long start = publish(prefix, messages);
      Figures f = countInKafka("vigil (MQTT " + settings.mqttVersion() + ")", topic, start, Duration.ofMinutes(10), messages,
          () -> bridge.metrics().deadLettered());
      out.println("      " + producerBatching(String.valueOf(config.producerProperties().get("client.id"))));
      long rejected = bridge.metrics().deadLettered();
      out.printf("      dead-lettered: %d%s%n", rejected, rejected == 0 ? "" : " " + bridge.metrics().rejectedByReason());
      if (!id.endsWith("-warmup")) {
        deadLettered += rejected;
      }
      return f;
    }
  }

  private Figures naive() throws Exception {
    String prefix = "bench/naive-" + run;
    String topic = "bench.naive." + run;
    createTopic(topic);
    Properties p = new Properties();
    p.put("bootstrap.servers", settings.bootstrapServers());
    p.put("acks", "all");
    p.put("key.serializer", ByteArraySerializer.class.getName());
    p.put("value.serializer", ByteArraySerializer.class.getName());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      MqttAsyncClient sub = client("bench-naive-" + run);
      sub.setManualAcks(true);
      sub.setCallback(new Callback() {
        @Override
        public void messageArrived(String mqttTopic, MqttMessage message) throws Exception {
          // Acknowledged on arrival: the broker forgets it before Kafka has it.
          sub.messageArrivedComplete(message.getId(), message.getQos());
          producer.send(new ProducerRecord<>(topic, mqttTopic.getBytes(StandardCharsets.UTF_8), message.getPayload())).get();
        }
      });
      sub.connect(options(true)).waitForCompletion();
      sub.subscribe(settings.shape().filter(prefix), 1).waitForCompletion();
      long start = publish(prefix, settings.messages());
      Figures f = countInKafka("naive bridge", topic, start, settings.naiveBudget(), settings.messages(), () -> 0);
      sub.disconnectForcibly(1000, 1000);
      sub.close();
      return f;
    }
  }

  // ---- load and measurement ------------------------------------------------------------------

  /** Publishes the load at QoS 1 as fast as the broker takes it; returns when the first message went. */
  private long publish(String prefix, int messages) throws MqttException {
    MqttAsyncClient pub = client("bench-pub-" + prefix.replace('/', '-'));
    pub.connect(options(true)).waitForCompletion();
    ArrayDeque<IMqttDeliveryToken> window = new ArrayDeque<>();
    publishedAt = new long[messages];
    long start = System.currentTimeMillis();
    String[] topics = new String[settings.devices()];
    for (int d = 0; d < topics.length; d++) {
      topics[d] = settings.shape().topic(prefix, "dev-" + d);
    }
    for (int i = 0; i < messages; i++) {
      if (window.size() >= PUBLISH_WINDOW) {
        window.poll().waitForCompletion();
      }
      long now = System.currentTimeMillis();
      publishedAt[i] = now;
      MqttMessage m = new MqttMessage(settings.shape().reading(i, now, settings.payloadBytes()));
      m.setQos(1);
      window.add(publishWhenRoom(pub, topics[i % topics.length], m, window));
    }
    for (IMqttToken t : window) {
      t.waitForCompletion();
    }
    pub.disconnect().waitForCompletion();
    pub.close();
    return start;
  }

  /**
   * Paho may still count a completed publish as in flight for a moment (it refuses with 32202
   * although our window has room): wait for the oldest outstanding publish and try again.
   */
  private static IMqttDeliveryToken publishWhenRoom(MqttAsyncClient pub, String topic, MqttMessage m,
      ArrayDeque<IMqttDeliveryToken> window) throws MqttException {
    for (int attempt = 0; ; attempt++) {
      try {
        return pub.publish(topic, m);
      } catch (MqttException e) {
        if (e.getReasonCode() != MqttException.REASON_CODE_MAX_INFLIGHT || attempt == 1000) {
          throw e;
        }
        if (!window.isEmpty()) {
          window.poll().waitForCompletion();
        } else {
          Thread.onSpinWait();
        }
      }
    }
  }

  /** Reads the topic until every message is there (or the budget is spent). */
  private Figures countInKafka(String name, String topic, long start, Duration budget, int n,
      java.util.function.LongSupplier deadLettered) {
    BitSet seen = new BitSet(n);
    long[] latency = new long[n];
    int distinct = 0;
    long duplicates = 0;
    long last = start;
    Properties p = new Properties();
    p.put("bootstrap.servers", settings.bootstrapServers());
    p.put("key.deserializer", ByteArrayDeserializer.class.getName());
    p.put("value.deserializer", ByteArrayDeserializer.class.getName());
    p.put("max.poll.records", "5000");
    long deadline = System.nanoTime() + budget.toNanos();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      List<TopicPartition> parts = consumer.partitionsFor(topic).stream()
          .map(i -> new TopicPartition(topic, i.partition())).toList();
      // Watch only the end offsets while the contender runs: reading records meanwhile would take CPU
      // from the bridge under test. Times come from the records' log-append timestamps afterwards.
      while (System.nanoTime() < deadline
          && consumer.endOffsets(parts).values().stream().mapToLong(Long::longValue).sum() + deadLettered.getAsLong() < n) {
        sleepQuietly(200);
      }
      contenderDelivered();
      // What the contender wrote within its budget; reading it back is not part of its time.
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      long readDeadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
      while (distinct < n && System.nanoTime() < readDeadline
          && parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          int seq = Payloads.seq(r.value());
          if (seen.get(seq)) {
            duplicates++;
            continue;
          }
          seen.set(seq);
          // Log-append time: when Kafka had it, not when we read it.
          latency[distinct++] = r.timestamp() - publishedAt[seq];
          last = Math.max(last, r.timestamp());
        }
      }
    }
    return figures(name, Arrays.copyOf(latency, distinct), distinct, start, last, duplicates);
  }

  /** How well the bridge's producer batched: the first thing to look at when the broker's CPU per message is high. */
  static String producerBatching(String clientId) {
    try {
      javax.management.MBeanServer server = java.lang.management.ManagementFactory.getPlatformMBeanServer();
      javax.management.ObjectName name = new javax.management.ObjectName("kafka.producer:type=producer-metrics,client-id=" + clientId);
      return String.format("producer: %.0f records per request, batches of %.0f bytes avg, compression ratio %.2f, %.0f requests/s",
          (Double) server.getAttribute(name, "records-per-request-avg"), (Double) server.getAttribute(name, "batch-size-avg"),
          (Double) server.getAttribute(name, "compression-rate-avg"), (Double) server.getAttribute(name, "request-rate"));
    } catch (javax.management.JMException | RuntimeException e) {
      return "producer batching figures unavailable: " + e;
    }
  }

  private static void sleepQuietly(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the benchmark's records", e);
    }
  }

  private static Figures figures(String name, long[] latency, int delivered, long start, long last, long duplicates) {
    Arrays.sort(latency);
    double seconds = Math.max(1, last - start) / 1000.0;
    return new Figures(name, delivered, seconds, delivered / seconds, percentile(latency, 0.50), percentile(latency, 0.99),
        duplicates, Map.of());
  }

  private static double percentile(long[] sorted, double q) {
    return sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  }

  /**
   * Drops this run's topics once every figure is read. Left behind, they pile up on a stack that
   * stays up (six partitions per contender per run), and a broker's background work grows with its
   * partitions: a later run would bill that idle CPU to the contenders that use Kafka.
   */
  private void deleteTopics() {
    if (createdTopics.isEmpty()) {
      return;
    }
    Properties p = new Properties();
    p.put("bootstrap.servers", settings.bootstrapServers());
    try (Admin admin = Admin.create(p)) {
      admin.deleteTopics(createdTopics).all().get(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException | RuntimeException e) {
      out.printf("  (could not delete the benchmark's topics %s: %s)%n", createdTopics, e);
    }
  }

  private void createTopic(String topic) throws Exception {
    createdTopics.add(topic);
    Properties p = new Properties();
    p.put("bootstrap.servers", settings.bootstrapServers());
    try (Admin admin = Admin.create(p)) {
      admin.createTopics(List.of(new NewTopic(topic, 6, (short) 1)
          .configs(Map.of("message.timestamp.type", "LogAppendTime")))).all().get(30, TimeUnit.SECONDS);
    }
  }

  private MqttAsyncClient client(String id) throws MqttException {
    return new MqttAsyncClient(settings.mqttUrl(), id, new MemoryPersistence());
  }

  private static MqttConnectOptions options(boolean clean) {
    MqttConnectOptions o = new MqttConnectOptions();
    o.setCleanSession(clean);
    // Paho completes a token a moment before it frees the in-flight slot: headroom over the window
    // keeps a publish that follows a completed one from being refused (32202).
    o.setMaxInflight(2 * PUBLISH_WINDOW);
    o.setKeepAliveInterval(60);
    return o;
  }

  /** Only messageArrived matters here. */
  private abstract static class Callback implements MqttCallback {
    @Override
    public void connectionLost(Throwable cause) {
      // The run's counts show any loss.
    }

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {
      // Subscribers only.
    }
  }

  /** The benchmark's readings: valid telemetry for the shared parser, padded with metrics to size. */
  static final class Payloads {
    private Payloads() {}

    /** The metric part depends on seq % 1000 only: built once, so the publisher spends its CPU on publishing. */
    private static final java.util.Map<Long, String[]> SUFFIXES = new java.util.concurrent.ConcurrentHashMap<>();

    static byte[] reading(int seq, long ts, int size) {
      String head = "{\"ts\":" + ts + ",\"seq\":" + seq;
      String[] bySize = SUFFIXES.computeIfAbsent(((long) size << 20) | head.length(), k -> new String[1000]);
      int slot = seq % 1000;
      String suffix = bySize[slot];
      if (suffix == null) {
        StringBuilder sb = new StringBuilder(size);
        for (int m = 0; head.length() + sb.length() < size - 20; m++) {
          sb.append(",\"m").append(m).append("\":").append(20 + (seq + m) % 1000 / 100.0);
        }
        suffix = sb.append('}').toString();
        bySize[slot] = suffix;
      }
      return (head + suffix).getBytes(StandardCharsets.UTF_8);
    }

    /** Tasmota's local time has whole seconds: formatted once a second, not per message. */
    private record TasmotaTime(long second, String text) {}

    private static volatile TasmotaTime tasmotaTime = new TasmotaTime(Long.MIN_VALUE, "");
    private static final java.time.format.DateTimeFormatter TASMOTA_TIME = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss");
    private static final String[] TASMOTA_SUFFIXES = new String[1000];
    private static final String[] ZIGBEE_SUFFIXES = new String[1000];

    /**
     * Tasmota's tele/<device>/SENSOR of a device with an AM2301 and energy monitoring, as its docs
     * show it; Time is the device's local time, UTC here as the preset assumes. The sequence number
     * rides along as one more top-level field, seq, which the shared parser reads as the message id
     * (MessageIds), as it does in Vigil's dialect: no extra metric.
     */
    static byte[] tasmota(int seq, long publishMillis) {
      long second = Math.floorDiv(publishMillis, 1000);
      TasmotaTime t = tasmotaTime;
      if (t.second() != second) {
        t = new TasmotaTime(second, TASMOTA_TIME.format(java.time.LocalDateTime.ofEpochSecond(second, 0, java.time.ZoneOffset.UTC)));
        tasmotaTime = t;
      }
      int slot = seq % 1000;
      String suffix = TASMOTA_SUFFIXES[slot];
      if (suffix == null) {
        suffix = String.format(java.util.Locale.ROOT, ",\"AM2301\":{\"Temperature\":%.1f,\"Humidity\":%.1f},\"ENERGY\":{"
            + "\"TotalStartTime\":\"2026-01-05T10:21:04\",\"Total\":%.3f,\"Yesterday\":%.3f,\"Today\":%.3f,\"Power\":%d,"
            + "\"Factor\":%.2f,\"Voltage\":%d,\"Current\":%.3f},\"TempUnit\":\"C\"}", 18 + slot % 100 / 10.0,
            40 + slot % 37 / 2.0, 120 + slot / 7.0, 1.2 + slot % 13 / 10.0, 0.4 + slot % 11 / 10.0, 20 + slot % 80,
            0.5 + slot % 50 / 100.0, 225 + slot % 11, 0.1 + slot % 90 / 100.0);
        TASMOTA_SUFFIXES[slot] = suffix;
      }
      return ("{\"Time\":\"" + t.text() + "\",\"seq\":" + seq + suffix).getBytes(StandardCharsets.UTF_8);
    }

    /** Zigbee2MQTT's zigbee2mqtt/<device> of a climate sensor, as its docs show it: no time (the bridge's arrival time). */
    static byte[] zigbee2mqtt(int seq) {
      int slot = seq % 1000;
      String suffix = ZIGBEE_SUFFIXES[slot];
      if (suffix == null) {
        suffix = String.format(java.util.Locale.ROOT, ",\"battery\":%d,\"humidity\":%.2f,\"linkquality\":%d,\"occupancy\":%s,"
            + "\"temperature\":%.2f,\"voltage\":%d,\"update\":{\"state\":\"idle\"}}", 50 + slot % 50, 40 + slot % 37 / 2.0,
            60 + slot % 190, slot % 2 == 0, 18 + slot % 100 / 10.0, 2900 + slot % 200);
        ZIGBEE_SUFFIXES[slot] = suffix;
      }
      return ("{\"seq\":" + seq + suffix).getBytes(StandardCharsets.UTF_8);
    }

    static long ts(byte[] payload) {
      return number(payload, "\"ts\":");
    }

    static int seq(byte[] payload) {
      return (int) number(payload, "\"seq\":");
    }

    private static long number(byte[] payload, String field) {
      String s = new String(payload, 0, Math.min(payload.length, 64), StandardCharsets.US_ASCII);
      int i = s.indexOf(field) + field.length();
      long v = 0;
      while (i < s.length() && Character.isDigit(s.charAt(i))) {
        v = v * 10 + (s.charAt(i++) - '0');
      }
      return v;
    }
  }
}
