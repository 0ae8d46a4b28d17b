package io.vigil.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.schemas.DeviceStatus;
import io.vigil.schemas.KafkaHeaders;
import io.vigil.schemas.Measurement;
import io.vigil.schemas.ParseResult;
import io.vigil.schemas.ParserOptions;
import io.vigil.schemas.RejectReason;
import io.vigil.schemas.SparkplugB;
import io.vigil.schemas.TelemetryParser;
import io.vigil.testsupport.KafkaServerExtension;
import io.vigil.testsupport.MosquittoExtension;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.tahu.protobuf.SparkplugBProto.DataType;
import org.eclipse.tahu.protobuf.SparkplugBProto.Payload;
import org.eclipse.tahu.protobuf.SparkplugBProto.Payload.Metric;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sparkplug B through real Mosquitto and Kafka: an edge node (Paho) publishes its BIRTHs, then DATA
 * by alias only, then a DDEATH. The bridge forwards every message, attaches the names of the aliases
 * each DATA uses, and a parser that sees nothing but the Kafka record (as the streaming job does)
 * resolves them. A DATA sent before any BIRTH (a bridge that started after it) is dead-lettered as
 * UNKNOWN_ALIAS, not dropped.
 */
class BridgeSparkplugIT {
  @RegisterExtension static final KafkaServerExtension kafka = new KafkaServerExtension();
  @RegisterExtension static final MosquittoExtension mosquitto = new MosquittoExtension();

  @TempDir Path persistence;

  static final TelemetryParser STATELESS = new TelemetryParser(ParserOptions.defaults().withPreset(SparkplugB.PRESET));

  @Test
  void aliasOnlyDataLandsWithItsNamesAndDeathsAsStatus() throws Exception {
    String id = "spb";
    String group = "IT-" + id;
    BridgeConfig config = config(id, false);
    long now = System.currentTimeMillis();
    String node = "spBv1.0/" + group + "/%s/Edge 1";
    String pump = "spBv1.0/" + group + "/%s/Edge 1/Pump 7";
    String valve = "spBv1.0/" + group + "/%s/Edge 1/Valve 2";
    try (MqttKafkaBridge bridge = new MqttKafkaBridge(config)) {
      bridge.start();
      MqttClient edge = mosquitto.connect(id + "-edge", true);
      publish(edge, String.format(node, "NDATA"), Payload.newBuilder().setTimestamp(now - 5000).setSeq(0)
          .addMetrics(Metric.newBuilder().setAlias(1).setDoubleValue(20.0)));
      publish(edge, String.format(node, "NBIRTH"), Payload.newBuilder().setTimestamp(now - 4000).setSeq(0)
          .addMetrics(named("bdSeq", DataType.UInt64).setLongValue(0))
          .addMetrics(named("Node Control/Rebirth", DataType.Boolean).setBooleanValue(false))
          .addMetrics(named("Cabinet Temperature", DataType.Double).setAlias(1).setDoubleValue(21.0)));
      publish(edge, String.format(pump, "DBIRTH"), Payload.newBuilder().setTimestamp(now - 3000).setSeq(1)
          .addMetrics(named("Inputs/Pressure", DataType.Double).setAlias(10).setDoubleValue(2.4))
          .addMetrics(named("Outputs/Running", DataType.Boolean).setAlias(11).setBooleanValue(true))
          .addMetrics(named("Mode", DataType.String).setAlias(12).setStringValue("AUTO")));
      publish(edge, String.format(pump, "DDATA"), Payload.newBuilder().setTimestamp(now - 2000).setSeq(2)
          .addMetrics(Metric.newBuilder().setAlias(10).setDoubleValue(2.6))
          .addMetrics(Metric.newBuilder().setAlias(11).setBooleanValue(false))
          .addMetrics(Metric.newBuilder().setAlias(12).setStringValue("MANUAL")));
      publish(edge, String.format(node, "NDATA"), Payload.newBuilder().setTimestamp(now - 1000).setSeq(3)
          .addMetrics(Metric.newBuilder().setAlias(1).setDoubleValue(21.5)));
      publish(edge, String.format(pump, "DDEATH"), Payload.newBuilder().setTimestamp(now - 500).setSeq(4));
      publish(edge, String.format(valve, "DBIRTH"), Payload.newBuilder().setTimestamp(now - 400).setSeq(5)
          .addMetrics(named("Position", DataType.Double).setAlias(20).setDoubleValue(40.0)));
      // The node's death (its MQTT will in the field) takes the devices still alive behind it down too.
      publish(edge, String.format(node, "NDEATH"), Payload.newBuilder().addMetrics(named("bdSeq", DataType.UInt64).setLongValue(0)));
      edge.disconnect();
      edge.close();

      List<ConsumerRecord<byte[], byte[]>> records = kafka.awaitRecords("it.sparkplug." + id, read -> read.size() >= 7,
          Duration.ofSeconds(90));
      List<ConsumerRecord<byte[], byte[]>> dead = kafka.awaitRecords(config.deadLetterTopic(), read -> read.size() >= 1,
          Duration.ofSeconds(30));
      await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(bridge.metrics().inFlight()).isZero());

      assertThat(records).hasSize(7);
      Map<String, ParseResult> byTopic = new HashMap<>();
      for (ConsumerRecord<byte[], byte[]> r : records) {
        String mqttTopic = header(r, KafkaHeaders.MQTT_TOPIC);
        ParseResult parsed = STATELESS.parse(mqttTopic, r.value(), Long.parseLong(header(r, KafkaHeaders.ARRIVAL_MILLIS)), headers(r));
        assertThat(parsed.isAccepted()).as(mqttTopic + ": " + parsed).isTrue();
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo(parsed.deviceId().orElseThrow());
        byTopic.put(mqttTopic.split("/")[2] + (mqttTopic.endsWith("Valve 2") ? "-valve" : ""), parsed);
      }

      ConsumerRecord<byte[], byte[]> ddata = records.stream()
          .filter(r -> header(r, KafkaHeaders.MQTT_TOPIC).equals(String.format(pump, "DDATA"))).findFirst().orElseThrow();
      assertThat(header(ddata, KafkaHeaders.SPARKPLUG_ALIASES)).isEqualTo("{\"10\":{\"name\":\"Inputs/Pressure\",\"datatype\":10},"
          + "\"11\":{\"name\":\"Outputs/Running\",\"datatype\":11},\"12\":{\"name\":\"Mode\",\"datatype\":12}}");
      ParseResult data = byTopic.get("DDATA");
      assertThat(data.deviceId()).contains("IT-spb:Edge_1:Pump_7");
      assertThat(data.measurements()).extracting(Measurement::metric, Measurement::value, Measurement::eventTimeMillis)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("Inputs.Pressure", 2.6, now - 2000),
              org.assertj.core.groups.Tuple.tuple("Outputs.Running", 0.0, now - 2000));
      assertThat(data.attributes()).singleElement().satisfies(a -> {
        assertThat(a.name()).isEqualTo("Mode");
        assertThat(a.value()).isEqualTo("MANUAL");
      });
      assertThat(byTopic.get("NDATA").measurements()).extracting(Measurement::metric, Measurement::value)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("Cabinet_Temperature", 21.5));
      assertThat(byTopic.get("NBIRTH").deviceStatus()).hasValueSatisfying(s -> assertThat(s.state()).isEqualTo(DeviceStatus.State.ONLINE));
      assertThat(byTopic.get("DDEATH").deviceStatus())
          .contains(new DeviceStatus(DeviceStatus.State.OFFLINE, now - 500, "DDEATH"));

      // NDEATH: the node and Valve 2 (born, not dead) go OFFLINE; Pump 7 had its own DDEATH already.
      ConsumerRecord<byte[], byte[]> ndeath = records.stream()
          .filter(r -> header(r, KafkaHeaders.MQTT_TOPIC).equals(String.format(node, "NDEATH"))).findFirst().orElseThrow();
      assertThat(header(ndeath, KafkaHeaders.SPARKPLUG_DEVICES)).isEqualTo("[\"Valve 2\"]");
      ParseResult death = byTopic.get("NDEATH");
      assertThat(death.deviceId()).contains("IT-spb:Edge_1");
      assertThat(death.deviceStatus()).hasValueSatisfying(s -> assertThat(s.state()).isEqualTo(DeviceStatus.State.OFFLINE));
      assertThat(death.relatedStatuses()).containsOnlyKeys("IT-spb:Edge_1:Valve_2");
      assertThat(death.relatedStatuses().get("IT-spb:Edge_1:Valve_2").state()).isEqualTo(DeviceStatus.State.OFFLINE);

      assertThat(dead).singleElement().satisfies(r -> {
        assertThat(header(r, KafkaHeaders.MQTT_TOPIC)).isEqualTo(String.format(node, "NDATA"));
        assertThat(header(r, KafkaHeaders.REJECT_REASON)).isEqualTo(RejectReason.UNKNOWN_ALIAS.name());
        assertThat(header(r, KafkaHeaders.REJECT_MESSAGE)).contains("alias 1", "'Edge 1'", "Node Control/Rebirth");
        assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("IT-spb:Edge_1");
      });
      assertThat(bridge.metrics().deadLettered()).isEqualTo(1);
    }
  }

  private BridgeConfig config(String id, boolean rebirth) {
    Map<String, String> raw = new HashMap<>();
    raw.put(BridgeConfig.MQTT_URL, mosquitto.url());
    raw.put(BridgeConfig.MQTT_CLIENT_ID, id);
    raw.put(BridgeConfig.KAFKA_BOOTSTRAP, kafka.bootstrapServers());
    raw.put(BridgeConfig.KAFKA_DEADLETTER_TOPIC, "it.deadletter." + id);
    raw.put(BridgeConfig.KAFKA_STATUS_TOPIC, "it.status." + id);
    raw.put(BridgeConfig.MQTT_PERSISTENCE_DIR, persistence.resolve(id).toString());
    raw.put(BridgeConfig.METRICS_PORT, "0");
    raw.put(BridgeConfig.ROUTES, "plant");
    raw.put("routes.plant.preset", "sparkplug-b");
    // Each test its own group, since the preset subscribes to every group.
    raw.put("routes.plant.filters", io.vigil.schemas.SparkplugB.SUBSCRIPTION_FILTERS.stream()
        .map(f -> f.replace("spBv1.0/+/", "spBv1.0/IT-" + id + "/")).collect(java.util.stream.Collectors.joining(",")));
    raw.put("routes.plant.kafka.topic", "it.sparkplug." + id);
    raw.put(BridgeConfig.SPARKPLUG_REBIRTH, Boolean.toString(rebirth));
    BridgeConfig config = new BridgeConfig(raw);
    kafka.createTopic("it.sparkplug." + id, 3);
    kafka.createTopic(config.deadLetterTopic(), 1);
    kafka.createTopic(config.statusTopic(), 1);
    return config;
  }

  @Test
  void anUnknownAliasAsksTheEdgeNodeForARebirthWhenSetToAndItsNextDataLands() throws Exception {
    String id = "spb-rebirth";
    BridgeConfig config = config(id, true);
    String node = "spBv1.0/IT-" + id + "/%s/Edge 2";
    List<Payload> commands = new java.util.concurrent.CopyOnWriteArrayList<>();
    long now = System.currentTimeMillis();
    try (MqttKafkaBridge bridge = new MqttKafkaBridge(config)) {
      bridge.start();
      MqttClient edge = mosquitto.connect(id + "-edge", true);
      edge.subscribe(String.format(node, "NCMD"), 0, (topic, m) -> commands.add(Payload.parseFrom(m.getPayload())));
      publish(edge, String.format(node, "NDATA"), Payload.newBuilder().setTimestamp(now - 3000)
          .addMetrics(Metric.newBuilder().setAlias(1).setDoubleValue(20.0)));
      publish(edge, String.format(node, "NDATA"), Payload.newBuilder().setTimestamp(now - 2500)
          .addMetrics(Metric.newBuilder().setAlias(1).setDoubleValue(20.1)));

      await().atMost(Duration.ofSeconds(30)).until(() -> !commands.isEmpty());
      assertThat(commands.get(0).getMetricsList()).singleElement().satisfies(m -> {
        assertThat(m.getName()).isEqualTo("Node Control/Rebirth");
        assertThat(m.getBooleanValue()).isTrue();
      });
      // The edge node does as Sparkplug says: a new NBIRTH, then DATA by alias again.
      publish(edge, String.format(node, "NBIRTH"), Payload.newBuilder().setTimestamp(now - 2000)
          .addMetrics(named("bdSeq", DataType.UInt64).setLongValue(1))
          .addMetrics(named("Cabinet Temperature", DataType.Double).setAlias(1).setDoubleValue(20.2)));
      publish(edge, String.format(node, "NDATA"), Payload.newBuilder().setTimestamp(now - 1000)
          .addMetrics(Metric.newBuilder().setAlias(1).setDoubleValue(20.3)));
      List<ConsumerRecord<byte[], byte[]>> records = kafka.awaitRecords("it.sparkplug." + id, read -> read.size() >= 2,
          Duration.ofSeconds(60));
      List<ConsumerRecord<byte[], byte[]>> dead = kafka.awaitRecords(config.deadLetterTopic(), read -> read.size() >= 2,
          Duration.ofSeconds(30));
      edge.disconnect();
      edge.close();

      assertThat(dead).extracting(r -> header(r, KafkaHeaders.REJECT_REASON)).containsOnly(RejectReason.UNKNOWN_ALIAS.name());
      assertThat(commands).as("one request per minute per node, however many DATA miss their BIRTH").hasSize(1);
      ConsumerRecord<byte[], byte[]> data = records.get(records.size() - 1);
      ParseResult parsed = STATELESS.parse(header(data, KafkaHeaders.MQTT_TOPIC), data.value(), now, headers(data));
      assertThat(parsed.measurements()).extracting(Measurement::metric, Measurement::value)
          .containsExactly(org.assertj.core.groups.Tuple.tuple("Cabinet_Temperature", 20.3));
    }
  }

  private static Metric.Builder named(String name, DataType type) {
    return Metric.newBuilder().setName(name).setDatatype(type.getNumber());
  }

  private static void publish(MqttClient client, String topic, Payload.Builder payload) throws Exception {
    client.publish(topic, payload.build().toByteArray(), 1, false);
  }

  private static Map<String, String> headers(ConsumerRecord<byte[], byte[]> r) {
    Map<String, String> out = new HashMap<>();
    for (Header h : r.headers()) {
      out.put(h.key(), new String(h.value(), StandardCharsets.UTF_8));
    }
    return out;
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }
}
