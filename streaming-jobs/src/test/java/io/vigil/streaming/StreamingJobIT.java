package io.vigil.streaming;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.schemas.AnomalyEvent;
import io.vigil.schemas.AnomalyEventJson;
import io.vigil.schemas.AnomalyKind;
import io.vigil.schemas.AnomalySource;
import io.vigil.schemas.KafkaHeaders;
import io.vigil.testsupport.KafkaServerExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The whole job against a real Kafka broker: telemetry in, Delta tables and anomaly events out. */
class StreamingJobIT {
  @RegisterExtension static final KafkaServerExtension kafka = new KafkaServerExtension();
  private static final Duration TIMEOUT = Duration.ofSeconds(180);
  private static final String TELEMETRY = "it.telemetry";
  private static final String ANOMALIES = "it.anomalies";
  private static SparkSession spark;

  @TempDir Path dir;

  @BeforeAll
  static void startSpark() {
    spark = SparkSessions.local("StreamingJobIT", 2);
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  @Test
  void devicesLandInSilverAndAStoppedDeviceRaisesOneGap() throws Exception {
    kafka.createTopic(TELEMETRY, 2);
    kafka.createTopic(ANOMALIES, 1);
    StreamingJobConfig config = StreamingJobConfig.load(null, List.of(
        "kafka.bootstrap.servers=" + kafka.bootstrapServers(),
        "topics.telemetry=" + TELEMETRY,
        "topics.anomalies=" + ANOMALIES,
        "tables.root=" + dir.resolve("tables"),
        "checkpoints.root=" + dir.resolve("checkpoints"),
        "trigger.interval=1s",
        "metrics.port=0",
        "device.watch.default.interval=300ms",
        "device.watch.min.samples=3",
        "device.watch.min.gap=6s",
        "device.watch.inactive.after=1h",
        "device.watch.state.expiry=2h",
        // A Tasmota plug through the bridge route "tasmota": read with that route's preset.
        "parser.routes=tasmota",
        "parser.routes.tasmota.preset=tasmota"));

    Set<String> sending = ConcurrentHashMap.newKeySet();
    sending.addAll(List.of("dev-1", "dev-2", "dev-3"));
    AtomicLong seq = new AtomicLong();
    java.util.concurrent.atomic.AtomicBoolean plugOn = new java.util.concurrent.atomic.AtomicBoolean(true);
    ScheduledExecutorService devices = Executors.newSingleThreadScheduledExecutor();
    try (KafkaProducer<byte[], byte[]> producer = kafka.producer();
        StreamingJob job = StreamingJob.start(spark, config)) {
      devices.scheduleAtFixedRate(() -> {
        long now = System.currentTimeMillis();
        for (String device : sending) {
          producer.send(telemetry(device, now, seq.incrementAndGet()));
        }
        producer.send(new ProducerRecord<>(TELEMETRY, "dev-9".getBytes(StandardCharsets.UTF_8),
            "garbage".getBytes(StandardCharsets.UTF_8)));
        if (plugOn.get()) {
          String time = java.time.LocalDateTime.ofInstant(java.time.Instant.ofEpochMilli(now), java.time.ZoneOffset.UTC)
              .withNano(0).format(java.time.format.DateTimeFormatter.ISO_LOCAL_DATE_TIME);
          producer.send(tasmota("tele/plug/SENSOR", "{\"Time\": \"" + time + "\", \"ENERGY\": {\"Power\": "
              + (seq.get() % 7) + "}, \"TempUnit\": \"C\"}", now));
        }
      }, 0, 300, TimeUnit.MILLISECONDS);

      String silver = config.silverPath();
      await("silver rows for all three devices").atMost(TIMEOUT).pollInterval(Duration.ofSeconds(1)).until(() ->
          spark.read().format("delta").load(silver).where("device_id like 'dev-%'").select("device_id").distinct().count() == 3);
      await("quarantined garbage").atMost(TIMEOUT).pollInterval(Duration.ofSeconds(1)).until(() ->
          spark.read().format("delta").load(config.quarantinePath()).where("reason = 'NOT_JSON'").count() > 0);

      sending.remove("dev-2");

      List<ConsumerRecord<byte[], byte[]>> records = kafka.awaitRecords(ANOMALIES,
          rs -> rs.stream().map(StreamingJobIT::event).anyMatch(e -> e.kind() == AnomalyKind.GAP), TIMEOUT);
      AnomalyEvent gap = records.stream().map(StreamingJobIT::event).filter(e -> e.kind() == AnomalyKind.GAP)
          .findFirst().orElseThrow();
      ConsumerRecord<byte[], byte[]> gapRecord = records.stream()
          .filter(r -> event(r).eventId().equals(gap.eventId())).findFirst().orElseThrow();
      assertThat(gap.deviceId()).isEqualTo("dev-2");
      assertThat(gap.source()).isEqualTo(AnomalySource.STREAM);
      assertThat(gap.value()).isGreaterThanOrEqualTo(6.0);
      assertThat(new String(gapRecord.key(), StandardCharsets.UTF_8)).isEqualTo("dev-2");
      assertThat(new String(gapRecord.headers().lastHeader(KafkaHeaders.EVENT_ID).value(), StandardCharsets.UTF_8))
          .isEqualTo(gap.eventId());
      // The GAP starts at dev-2's last reading: that reading reaches silver with that event time (the
      // tables query runs on its own, so it may still be a batch behind the device watch).
      await("dev-2's last reading in silver").atMost(TIMEOUT).pollInterval(Duration.ofSeconds(1)).until(() ->
          spark.read().format("delta").load(silver).where("device_id = 'dev-2'")
              .agg(org.apache.spark.sql.functions.max("event_time")).first().<java.sql.Timestamp>getAs(0).toInstant()
              .equals(gap.start()));

      String events = config.anomalyEventsPath();
      // Once, not once per trigger: the table holds exactly one GAP while several more batches run.
      await("one GAP row in the anomaly_events table").atMost(TIMEOUT).pollInterval(Duration.ofSeconds(1))
          .until(() -> spark.read().format("delta").load(events).where("kind = 'GAP'").count() == 1);
      await("still exactly one GAP after more batches").during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> spark.read().format("delta").load(events).where("kind = 'GAP'").count() == 1);
      Row gapRow = spark.read().format("delta").load(events).where("kind = 'GAP'").first();
      assertThat(gapRow.<String>getAs("event_id")).isEqualTo(gap.eventId());
      assertThat(gapRow.<String>getAs("device_id")).isEqualTo("dev-2");
      assertThat(gapRow.<String, String>getJavaMap(gapRow.fieldIndex("attributes"))).containsKey("gap_threshold_ms");

      // dev-2 resumes: GAP_CLOSED follows; the devices that kept sending never had a gap.
      sending.add("dev-2");
      await("GAP_CLOSED for dev-2").atMost(TIMEOUT).pollInterval(Duration.ofSeconds(1)).until(() ->
          spark.read().format("delta").load(events).where("kind = 'GAP_CLOSED' and device_id = 'dev-2'").count() == 1);
      assertThat(spark.read().format("delta").load(events).where("device_id not in ('dev-2', 'plug')").count()).isZero();

      // The plug's readings land with their payload time, its TempUnit beside them; its last will
      // makes the device watch raise INACTIVE at once, not a silence threshold later.
      assertThat(spark.read().format("delta").load(silver).where("device_id = 'plug' and metric = 'ENERGY.Power'")
          .select("time_source").distinct().collectAsList()).extracting(r -> r.getString(0)).containsExactly("PAYLOAD");
      await("the plug's TempUnit in attributes").atMost(TIMEOUT).pollInterval(Duration.ofSeconds(1)).until(() ->
          spark.read().format("delta").load(config.attributesPath()).where("device_id = 'plug' and name = 'TempUnit'").count() > 0);
      plugOn.set(false);
      producer.send(tasmota("tele/plug/LWT", "Offline", System.currentTimeMillis()));
      await("INACTIVE for the plug from its last will").atMost(TIMEOUT).pollInterval(Duration.ofSeconds(1)).until(() ->
          spark.read().format("delta").load(events).where("kind = 'INACTIVE' and device_id = 'plug'"
              + " and attributes['cause'] = 'device_status'").count() == 1);
      assertThat(spark.read().format("delta").load(events).where("device_id = 'plug' and kind = 'GAP'").count())
          .as("INACTIVE came from the status, not from a silence").isZero();
      assertThat(job.metrics().routeRecords("tasmota")).isPositive();
      assertThat(job.queries().values()).allMatch(q -> q.isActive() && q.exception().isEmpty());
    } finally {
      devices.shutdownNow();
    }
  }

  private static ProducerRecord<byte[], byte[]> telemetry(String device, long now, long seq) {
    String payload = "{\"ts\": " + now + ", \"seq\": " + seq + ", \"temperature\": " + (20 + seq % 5) + "}";
    ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(TELEMETRY, device.getBytes(StandardCharsets.UTF_8),
        payload.getBytes(StandardCharsets.UTF_8));
    r.headers().add(KafkaHeaders.MQTT_TOPIC, ("devices/" + device + "/telemetry").getBytes(StandardCharsets.UTF_8));
    r.headers().add(KafkaHeaders.ARRIVAL_MILLIS, Long.toString(now).getBytes(StandardCharsets.UTF_8));
    return r;
  }

  /** A record the bridge's route "tasmota" forwarded. */
  private static ProducerRecord<byte[], byte[]> tasmota(String mqttTopic, String payload, long now) {
    ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(TELEMETRY, "plug".getBytes(StandardCharsets.UTF_8),
        payload.getBytes(StandardCharsets.UTF_8));
    r.headers().add(KafkaHeaders.MQTT_TOPIC, mqttTopic.getBytes(StandardCharsets.UTF_8));
    r.headers().add(KafkaHeaders.ARRIVAL_MILLIS, Long.toString(now).getBytes(StandardCharsets.UTF_8));
    r.headers().add(KafkaHeaders.BRIDGE_ROUTE, "tasmota".getBytes(StandardCharsets.UTF_8));
    return r;
  }

  private static AnomalyEvent event(ConsumerRecord<byte[], byte[]> r) {
    return AnomalyEventJson.fromBytes(r.value());
  }
}
