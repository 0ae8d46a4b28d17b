package io.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.bridge.BridgeConfig;
import io.vigil.bridge.MqttKafkaBridge;
import io.vigil.streaming.SparkSessions;
import io.vigil.streaming.StreamingJob;
import io.vigil.streaming.StreamingJobConfig;
import io.vigil.testsupport.KafkaServerExtension;
import io.vigil.testsupport.MosquittoExtension;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.tahu.protobuf.SparkplugBProto.DataType;
import org.eclipse.tahu.protobuf.SparkplugBProto.Payload;
import org.eclipse.tahu.protobuf.SparkplugBProto.Payload.Metric;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 16's end-to-end proof: every parser preset on one Mosquitto, each behind its own bridge route,
 * through Kafka into one streaming job that parses each record by its route header. Payloads are
 * shaped as the schemas module's fixtures (payloads/**, from each project's public docs), with times
 * of now so the device watch sees them live. Every reading lands once in silver with its device,
 * event time and time source; text lands in attributes; nothing is dead-lettered or quarantined; a
 * silenced Zigbee2MQTT device raises GAP and a Sparkplug DDEATH raises INACTIVE at once.
 */
class PresetsEndToEndIT {
  @RegisterExtension static final KafkaServerExtension kafka = new KafkaServerExtension();
  @RegisterExtension static final MosquittoExtension mosquitto = new MosquittoExtension();

  private static final Duration TIMEOUT = Duration.ofSeconds(240);
  private static final String TELEMETRY = "it.presets.telemetry";
  private static final String ANOMALIES = "it.presets.anomalies";
  private static final String DEAD = "it.presets.deadletter";
  private static final String STATUS = "it.presets.status";
  private static final String Z2M_GAP = "0x00158d0000aa0001";
  private static final String PUMP = "Plant:Edge_1:Pump_7";
  private static final String NODE2 = "Plant:Edge_2";
  private static final String FAN = "Plant:Edge_2:Fan_3";
  private static final String NODE = "Plant:Edge_1";

  private static SparkSession spark;

  @TempDir Path dir;

  @BeforeAll
  static void startSpark() {
    spark = SparkSessions.local("PresetsEndToEndIT", 2);
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  /** A reading expected in silver: its device, metric, value, event time (null: the bridge's arrival). */
  private record Expected(String device, String metric, double value, Long eventMs, String timeSource) {}

  @Test
  void everyPresetLandsOnceInSilverAndTheDeviceWatchSeesSilenceAndDeath() throws Exception {
    for (String topic : List.of(TELEMETRY, ANOMALIES, DEAD, STATUS)) {
      kafka.createTopic(topic, topic.equals(TELEMETRY) ? 2 : 1);
    }
    Map<String, String> bridgeProps = bridgeProperties();
    Path bridgeFile = dir.resolve("bridge.properties");
    Properties p = new Properties();
    p.putAll(bridgeProps);
    try (Writer w = Files.newBufferedWriter(bridgeFile)) {
      p.store(w, "PresetsEndToEndIT");
    }
    StreamingJobConfig jobConfig = StreamingJobConfig.load(null, List.of(
        "kafka.bootstrap.servers=" + kafka.bootstrapServers(),
        "topics.telemetry=" + TELEMETRY,
        "topics.anomalies=" + ANOMALIES,
        "tables.root=" + dir.resolve("tables"),
        "checkpoints.root=" + dir.resolve("checkpoints"),
        "trigger.interval=1s",
        "metrics.port=0",
        "device.watch.default.interval=300ms",
        "device.watch.min.samples=3",
        "device.watch.min.gap=5s",
        "device.watch.inactive.after=1h",
        "device.watch.state.expiry=2h",
        // The job reads the bridge's own file: its routes and their presets, written once.
        "parser.bridge.config=" + bridgeFile));

    List<Expected> expected = new CopyOnWriteArrayList<>();
    AtomicBoolean z2mOn = new AtomicBoolean(true);
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor();
    long start = System.currentTimeMillis();
    try (MqttKafkaBridge bridge = new MqttKafkaBridge(new BridgeConfig(bridgeProps));
        StreamingJob job = StreamingJob.start(spark, jobConfig)) {
      bridge.start();
      MqttClient devices = mosquitto.connect("presets-devices", true);
      MqttClient z2mGapClient = mosquitto.connect("presets-z2m-gap", true);
      MqttClient edge = mosquitto.connect("presets-edge", true);

      // A Zigbee2MQTT sensor reporting every 300 ms (no time in its payload: arrival time), silenced later.
      double[] tick = {0};
      ticker.scheduleAtFixedRate(() -> {
        if (!z2mOn.get()) {
          return;
        }
        try {
          double t = 20 + (tick[0]++ % 10) / 10.0;
          z2mGapClient.publish("zigbee2mqtt/" + Z2M_GAP, json("{'temperature': " + t + ", 'linkquality': 90}"), 1, false);
          expected.add(new Expected(Z2M_GAP, "temperature", t, null, "ARRIVAL"));
          expected.add(new Expected(Z2M_GAP, "linkquality", 90, null, "ARRIVAL"));
        } catch (Exception e) {
          throw new IllegalStateException(e);
        }
      }, 0, 300, TimeUnit.MILLISECONDS);

      long now = Instant.now().truncatedTo(ChronoUnit.SECONDS).toEpochMilli();
      publishFamilies(devices, now, expected);
      publishSparkplug(edge, now, expected);

      String silver = jobConfig.silverPath();
      List<Expected> once = expected.stream().filter(e -> !e.device().equals(Z2M_GAP)).toList();
      await("every family's devices in silver").atMost(TIMEOUT).pollInterval(Duration.ofSeconds(1)).until(() ->
          table(silver) != null && table(silver).select("device_id").distinct().count()
              == once.stream().map(Expected::device).distinct().count() + 1);

      // Silence the Zigbee2MQTT sensor: GAP for it, at its last reading.
      await("the z2m sensor has enough samples").atMost(TIMEOUT).pollInterval(Duration.ofMillis(500))
          .until(() -> table(silver).where("device_id = '" + Z2M_GAP + "'").count() >= 10);
      z2mOn.set(false);
      ticker.shutdown();
      assertThat(ticker.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
      long silencedAt = System.currentTimeMillis();

      String events = jobConfig.anomalyEventsPath();
      await("GAP for the silenced Zigbee2MQTT sensor").atMost(TIMEOUT).pollInterval(Duration.ofSeconds(1)).until(() ->
          table(events) != null && table(events).where("kind = 'GAP' and device_id = '" + Z2M_GAP + "'").count() == 1);
      await("INACTIVE for the Sparkplug device from its DDEATH").atMost(TIMEOUT).pollInterval(Duration.ofSeconds(1))
          .until(() -> table(events).where("kind = 'INACTIVE' and device_id = '" + PUMP + "'"
              + " and attributes['cause'] = 'device_status'").count() == 1);
      await("INACTIVE for the second edge node and its device from the node's NDEATH").atMost(TIMEOUT)
          .pollInterval(Duration.ofSeconds(1))
          .until(() -> table(events).where("kind = 'INACTIVE' and device_id in ('" + NODE2 + "', '" + FAN + "')"
              + " and attributes['cause'] = 'device_status'").count() == 2);
      await("the bridge has nothing in flight").atMost(TIMEOUT).until(() -> bridge.metrics().inFlight() == 0);
      long published = expected.stream().filter(e -> e.device().equals(Z2M_GAP)).count();
      await("every reading in silver").atMost(TIMEOUT).pollInterval(Duration.ofSeconds(1))
          .until(() -> table(silver).count() >= expected.size());

      // Every reading exactly once, with its device, metric, value, event time and time source.
      List<Row> rows = table(silver).select("device_id", "metric", "value", "event_time", "time_source").collectAsList();
      List<String> actual = new ArrayList<>();
      for (Row r : rows) {
        long eventMs = r.getTimestamp(3).getTime();
        String source = r.getString(4);
        boolean arrival = "ARRIVAL".equals(source);
        assertThat(!arrival || (eventMs >= start - 1000 && eventMs <= silencedAt + 60_000))
            .as("arrival time of %s within the run", r).isTrue();
        actual.add(key(r.getString(0), r.getString(1), r.getDouble(2), arrival ? null : eventMs, source));
      }
      List<String> wanted = expected.stream()
          .map(e -> key(e.device(), e.metric(), e.value(), e.eventMs(), e.timeSource())).toList();
      assertThat(actual).containsExactlyInAnyOrderElementsOf(wanted);
      assertThat(published).isGreaterThanOrEqualTo(10);

      // Text values beside the readings, in the attributes table.
      String attributes = jobConfig.attributesPath();
      Map<String, String> wantedAttributes = new LinkedHashMap<>();
      wantedAttributes.put("0x00158d0001a2b3c4|update.state", "idle");
      wantedAttributes.put("plug_kitchen|ENERGY.TotalStartTime", "2026-01-12T09:14:31");
      wantedAttributes.put("alice:phone|tid", "ph");
      wantedAttributes.put("alice:phone|conn", "w");
      wantedAttributes.put(PUMP + "|Mode", "MANUAL");
      await("attributes of every family that sends text").atMost(TIMEOUT).pollInterval(Duration.ofSeconds(1)).until(() -> {
        Dataset<Row> a = table(attributes);
        return a != null && wantedAttributes.entrySet().stream().allMatch(e -> {
          String[] k = e.getKey().split("\\|");
          return a.where(org.apache.spark.sql.functions.col("device_id").equalTo(k[0])
              .and(org.apache.spark.sql.functions.col("name").equalTo(k[1]))
              .and(org.apache.spark.sql.functions.col("value").equalTo(e.getValue()))).count() > 0;
        });
      });

      // Nothing refused anywhere: no dead letters, no quarantine, and no other anomaly than the two.
      assertThat(bridge.metrics().deadLettered()).isZero();
      assertThat(endOffset(DEAD)).as("records on the dead-letter topic").isZero();
      Dataset<Row> quarantine = table(jobConfig.quarantinePath());
      assertThat(quarantine == null ? 0 : quarantine.count()).isZero();
      // Every one-message device falls silent too (the default interval applies below min.samples), so
      // GAPs for them are right; only the z2m sensor must have one, and only the DDEATH and the NDEATH make INACTIVE.
      assertThat(table(events).where("kind = 'GAP'").select("device_id").collectAsList())
          .extracting(r -> r.getString(0)).contains(Z2M_GAP);
      assertThat(table(events).where("kind = 'INACTIVE'").select("device_id").collectAsList())
          .extracting(r -> r.getString(0)).containsExactlyInAnyOrder(PUMP, NODE2, FAN);
      assertThat(job.queries().values()).allMatch(q -> q.isActive() && q.exception().isEmpty());
      System.out.printf("[presets-e2e] %d readings (%d from the silenced sensor) in %d ms%n",
          expected.size(), published, System.currentTimeMillis() - start);
    } finally {
      ticker.shutdownNow();
    }
  }

  private Map<String, String> bridgeProperties() {
    Map<String, String> raw = new LinkedHashMap<>();
    raw.put(BridgeConfig.MQTT_URL, mosquitto.url());
    raw.put(BridgeConfig.MQTT_CLIENT_ID, "presets-bridge");
    raw.put(BridgeConfig.KAFKA_BOOTSTRAP, kafka.bootstrapServers());
    raw.put(BridgeConfig.KAFKA_TOPIC, TELEMETRY);
    raw.put(BridgeConfig.KAFKA_DEADLETTER_TOPIC, DEAD);
    raw.put(BridgeConfig.KAFKA_STATUS_TOPIC, STATUS);
    raw.put(BridgeConfig.MQTT_PERSISTENCE_DIR, dir.resolve("bridge").toString());
    raw.put(BridgeConfig.METRICS_PORT, "0");
    raw.put(BridgeConfig.ROUTES, "z2m,tasmota,shelly,esphome,ha,owntracks,lora,plant,mixed");
    raw.put("routes.z2m.preset", "zigbee2mqtt"); // its default filters
    raw.put("routes.tasmota.preset", "tasmota");
    raw.put("routes.tasmota.filters", "tele/+/SENSOR,tele/+/LWT");
    raw.put("routes.shelly.preset", "shelly-gen2");
    raw.put("routes.shelly.filters", "+/status/+");
    raw.put("routes.esphome.preset", "esphome");
    raw.put("routes.esphome.filters", "livingroom/+/+/state,livingroom/status");
    raw.put("routes.ha.preset", "homeassistant-statestream");
    raw.put("routes.ha.filters", "homeassistant/+/+/state");
    raw.put("routes.owntracks.preset", "owntracks");
    raw.put("routes.owntracks.filters", "owntracks/+/+");
    raw.put("routes.lora.preset", "ttn-v3");
    raw.put("routes.lora.filters", "v3/+/devices/+/up");
    raw.put("routes.plant.preset", "sparkplug-b"); // its default filters: N/D BIRTH, DATA, DEATH
    raw.put("routes.mixed.preset", "auto");
    raw.put("routes.mixed.filters", "devices/+/telemetry");
    return raw;
  }

  /** One message per JSON/text family, shaped as the schemas fixtures, and the readings each must give. */
  private static void publishFamilies(MqttClient c, long now, List<Expected> expected) throws Exception {
    c.publish("zigbee2mqtt/0x00158d0001a2b3c4", json("{'battery': 100, 'humidity': 58.61, 'temperature': 21.36,"
        + " 'update': {'state': 'idle', 'installed_version': 8448}, 'update_available': false}"), 1, false);
    String aqara = "0x00158d0001a2b3c4";
    expected.add(new Expected(aqara, "battery", 100, null, "ARRIVAL"));
    expected.add(new Expected(aqara, "humidity", 58.61, null, "ARRIVAL"));
    expected.add(new Expected(aqara, "temperature", 21.36, null, "ARRIVAL"));
    expected.add(new Expected(aqara, "update.installed_version", 8448, null, "ARRIVAL"));
    expected.add(new Expected(aqara, "update_available", 0, null, "ARRIVAL"));

    String local = LocalDateTime.ofInstant(Instant.ofEpochMilli(now), ZoneOffset.UTC)
        .format(DateTimeFormatter.ISO_LOCAL_DATE_TIME);
    c.publish("tele/plug_kitchen/SENSOR", json("{'Time': '" + local + "', 'ENERGY': {'TotalStartTime': "
        + "'2026-01-12T09:14:31', 'Total': 152.417, 'Power': 120, 'Voltage': 231}}"), 1, false);
    expected.add(new Expected("plug_kitchen", "ENERGY.Total", 152.417, now, "PAYLOAD"));
    expected.add(new Expected("plug_kitchen", "ENERGY.Power", 120, now, "PAYLOAD"));
    expected.add(new Expected("plug_kitchen", "ENERGY.Voltage", 231, now, "PAYLOAD"));

    c.publish("shellyhtg3-84fce63ad204/status/temperature:0", json("{'id': 0, 'tC': 21.9, 'tF': 71.4}"), 1, false);
    expected.add(new Expected("shellyhtg3-84fce63ad204", "temperature:0.tC", 21.9, null, "ARRIVAL"));
    expected.add(new Expected("shellyhtg3-84fce63ad204", "temperature:0.tF", 71.4, null, "ARRIVAL"));

    c.publish("livingroom/sensor/temperature/state", text("21.5"), 1, false);
    expected.add(new Expected("livingroom", "temperature", 21.5, null, "ARRIVAL"));

    c.publish("homeassistant/sensor/outdoor_temperature/state", text("4.2"), 1, false);
    expected.add(new Expected("homeassistant", "sensor.outdoor_temperature", 4.2, null, "ARRIVAL"));

    c.publish("owntracks/alice/phone", json("{'_type': 'location', 'acc': 12, 'batt': 83, 'conn': 'w', 'lat': 52.52,"
        + " 'lon': 13.405, 'tid': 'ph', 'tst': " + now / 1000 + "}"), 1, false);
    for (Object[] m : new Object[][] {{"acc", 12.0}, {"batt", 83.0}, {"lat", 52.52}, {"lon", 13.405}}) {
      expected.add(new Expected("alice:phone", (String) m[0], (Double) m[1], now, "PAYLOAD"));
    }
    // Another user's device of the same name is another device (<user>:<device>).
    c.publish("owntracks/bob/phone", json("{'_type': 'location', 'acc': 30, 'lat': 48.137, 'lon': 11.575, 'tst': " + now / 1000 + "}"), 1, false);
    for (Object[] m : new Object[][] {{"acc", 30.0}, {"lat", 48.137}, {"lon", 11.575}}) {
      expected.add(new Expected("bob:phone", (String) m[0], (Double) m[1], now, "PAYLOAD"));
    }

    String iso = Instant.ofEpochMilli(now - 1588).toString();
    c.publish("v3/weather-stations@ttn/devices/dev-eu868-01/up", json("{'end_device_ids': {'device_id': 'dev-eu868-01',"
        + " 'application_ids': {'application_id': 'weather-stations'}, 'dev_eui': '70B3D57ED005B89A'},"
        + " 'received_at': '" + iso + "', 'uplink_message': {'f_port': 2, 'f_cnt': 1834, 'frm_payload': 'ASsBKAAA',"
        + " 'decoded_payload': {'temperature_c': 29.9, 'humidity_pct': 29.6, 'battery_v': 3.62},"
        + " 'received_at': '" + iso + "'}}"), 1, false);
    expected.add(new Expected("dev-eu868-01", "temperature_c", 29.9, now - 1588, "PAYLOAD"));
    expected.add(new Expected("dev-eu868-01", "humidity_pct", 29.6, now - 1588, "PAYLOAD"));
    expected.add(new Expected("dev-eu868-01", "battery_v", 3.62, now - 1588, "PAYLOAD"));

    c.publish("devices/d7/telemetry", json("{'ts': " + now + ", 'temperature': 21.5}"), 1, false);
    expected.add(new Expected("d7", "temperature", 21.5, now, "PAYLOAD"));
  }

  /** An edge node's life with Tahu's classes: NBIRTH, DBIRTH, DDATA by alias only, NDATA, DDEATH. */
  private static void publishSparkplug(MqttClient edge, long now, List<Expected> expected) throws Exception {
    String node = "spBv1.0/Plant/%s/Edge 1";
    String pump = "spBv1.0/Plant/%s/Edge 1/Pump 7";
    publish(edge, String.format(node, "NBIRTH"), Payload.newBuilder().setTimestamp(now - 4000).setSeq(0)
        .addMetrics(named("bdSeq", DataType.UInt64).setLongValue(0))
        .addMetrics(named("Node Control/Rebirth", DataType.Boolean).setBooleanValue(false))
        .addMetrics(named("Cabinet Temperature", DataType.Double).setAlias(1).setDoubleValue(21.0)));
    expected.add(new Expected(NODE, "Cabinet_Temperature", 21.0, now - 4000, "PAYLOAD"));
    publish(edge, String.format(pump, "DBIRTH"), Payload.newBuilder().setTimestamp(now - 3000).setSeq(1)
        .addMetrics(named("Inputs/Pressure", DataType.Double).setAlias(10).setDoubleValue(2.4))
        .addMetrics(named("Outputs/Running", DataType.Boolean).setAlias(11).setBooleanValue(true))
        .addMetrics(named("Mode", DataType.String).setAlias(12).setStringValue("AUTO")));
    expected.add(new Expected(PUMP, "Inputs.Pressure", 2.4, now - 3000, "PAYLOAD"));
    expected.add(new Expected(PUMP, "Outputs.Running", 1, now - 3000, "PAYLOAD"));
    publish(edge, String.format(pump, "DDATA"), Payload.newBuilder().setTimestamp(now - 2000).setSeq(2)
        .addMetrics(Metric.newBuilder().setAlias(10).setDoubleValue(2.6))
        .addMetrics(Metric.newBuilder().setAlias(11).setBooleanValue(false))
        .addMetrics(Metric.newBuilder().setAlias(12).setStringValue("MANUAL")));
    expected.add(new Expected(PUMP, "Inputs.Pressure", 2.6, now - 2000, "PAYLOAD"));
    expected.add(new Expected(PUMP, "Outputs.Running", 0, now - 2000, "PAYLOAD"));
    publish(edge, String.format(node, "NDATA"), Payload.newBuilder().setTimestamp(now - 1000).setSeq(3)
        .addMetrics(Metric.newBuilder().setAlias(1).setDoubleValue(21.5)));
    expected.add(new Expected(NODE, "Cabinet_Temperature", 21.5, now - 1000, "PAYLOAD"));
    publish(edge, String.format(pump, "DDEATH"), Payload.newBuilder().setTimestamp(now - 500).setSeq(4));
    // A second edge node with a device, then its NDEATH: the node and the device it had born go INACTIVE.
    String node2 = "spBv1.0/Plant/%s/Edge 2";
    publish(edge, String.format(node2, "NBIRTH"), Payload.newBuilder().setTimestamp(now - 4000).setSeq(0)
        .addMetrics(named("bdSeq", DataType.UInt64).setLongValue(0))
        .addMetrics(named("Cabinet Temperature", DataType.Double).setAlias(1).setDoubleValue(19.0)));
    expected.add(new Expected(NODE2, "Cabinet_Temperature", 19.0, now - 4000, "PAYLOAD"));
    publish(edge, String.format(node2 + "/Fan 3", "DBIRTH"), Payload.newBuilder().setTimestamp(now - 3000).setSeq(1)
        .addMetrics(named("Speed", DataType.Double).setAlias(30).setDoubleValue(1200.0)));
    expected.add(new Expected(FAN, "Speed", 1200.0, now - 3000, "PAYLOAD"));
    publish(edge, String.format(node2, "NDEATH"), Payload.newBuilder().addMetrics(named("bdSeq", DataType.UInt64).setLongValue(0)));
  }

  private static Metric.Builder named(String name, DataType type) {
    return Metric.newBuilder().setName(name).setDatatype(type.getNumber());
  }

  private static void publish(MqttClient client, String topic, Payload.Builder payload) throws Exception {
    client.publish(topic, payload.build().toByteArray(), 1, false);
  }

  private static byte[] json(String singleQuoted) {
    return singleQuoted.replace('\'', '"').getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] text(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String key(String device, String metric, double value, Long eventMs, String source) {
    return device + " " + metric + "=" + value + " @" + (eventMs == null ? "arrival" : Instant.ofEpochMilli(eventMs))
        + " (" + source + ")";
  }

  private static long endOffset(String topic) throws Exception {
    try (org.apache.kafka.clients.admin.Admin admin = kafka.admin()) {
      org.apache.kafka.common.TopicPartition tp = new org.apache.kafka.common.TopicPartition(topic, 0);
      return admin.listOffsets(Map.of(tp, org.apache.kafka.clients.admin.OffsetSpec.latest())).partitionResult(tp).get()
          .offset();
    }
  }

  /** The Delta table at path, or null before its first commit. */
  private static Dataset<Row> table(String path) {
    if (!Files.exists(Path.of(path.replaceFirst("^file:", ""), "_delta_log"))) {
      return null;
    }
    return spark.read().format("delta").load(path);
  }
}
