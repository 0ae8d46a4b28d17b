package io.vigil.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.common.VigilException;
import io.vigil.common.config.ConfigException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BridgeConfigTest {
  @Test
  void defaultsPointAtTheLocalStackAndGuaranteeAcksAll() {
    BridgeConfig c = new BridgeConfig(Map.of("kafka.producer.linger.ms", "20"));
    assertThat(c.mqttUrl()).isEqualTo("tcp://127.0.0.1:11883");
    assertThat(c.producerProperties()).containsEntry("acks", "all").containsEntry("enable.idempotence", "true")
        .containsEntry("linger.ms", "20").containsEntry("bootstrap.servers", "127.0.0.1:19092");
  }

  @ParameterizedTest(name = "{0}={1}")
  @CsvSource(delimiter = ';', value = {
      "mqtt.url;http://broker:1883",
      "mqtt.qos;3",
      "mqtt.client.id;has space",
      "mqtt.filters;''",
      "inflight.max.messages;0",
      "mqtt.keepalive;-5s",
      "kafka.producer.acks;1",
      "kafka.producer.enable.idempotence;false",
      "mqtt.tls.ca.file;/no/such/ca.pem",
      "mqtt.tls.hostname.verification;maybe",
      "mqtt.status.filters;devices/#/status",
      "mqtt.filters;devices/te+/x",
      "inflight.max.messages;65536",
      "mqtt.version;4",
      "mqtt.session.expiry;0s",
      "parser.device.id.from;header",
      "parser.preset;lorawan",
      "parser.timestamp.unit;minutes",
      "parser.timestamp.zone;Mars/Olympus_Mons",
      "parser.timestamp.missing;now",
      "parser.arrays;flatten",
      "parser.strings;drop",
  })
  void badSettingsAreRefusedNamingTheKey(String key, String value) {
    assertThatThrownBy(() -> new BridgeConfig(Map.of(key, value)))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo(key))
        .hasMessageContaining(key);
  }

  /** Each line: the settings (k=v, separated by |), then the key the error must name. */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = ';', value = {
      "routes=a|routes.a.qos=1;routes.a.filters",
      "routes=a|routes.a.filters=x/+|routes.a.qos=3;routes.a.qos",
      "routes=a|routes.a.filters=x/#/y;routes.a.filters",
      "routes=a|routes.a.filters=x/+|routes.a.format=json;routes.a.format",
      "routes=a|routes.a.filters=x/+|routes.a.format=raw;routes.a.kafka.topic",
      "routes=a|routes.a.filters=x/+|routes.a.format=raw|routes.a.kafka.topic=t|routes.a.key.from=topic_or_payload;routes.a.key.from",
      "routes=a|routes.a.filters=x/+|routes.b.filters=y/+;routes.b.filters",
      "routes=a|routes.a.filters=x/+|routes.a.colour=red;routes.a.colour",
      "routes=a,b|routes.a.filters=x/+|routes.b.filters=x/+;routes.b.filters",
      "routes=a|routes.a.filters=devices/+/status;mqtt.status.filters",
      "routes=a|routes.a.filters=x/+|mqtt.filters=y/+;mqtt.filters",
      "routes=a b|routes.a.filters=x/+;routes",
      "routes=a|routes.a.preset=sparkplug;routes.a.preset",
      "routes=a|routes.a.preset=sparkplug-b|routes.a.format=raw|routes.a.kafka.topic=t;routes.a.format",
      "mqtt.filters=devices/+/status;mqtt.status.filters",
      "routes=a|routes.a.filters=x/+|routes.a.preset=tasmota8;routes.a.preset",
      "routes=a|routes.a.filters=x/+|routes.a.timestamp.unit=h;routes.a.timestamp.unit",
      "routes=a|routes.a.filters=x/+/+|routes.a.topic.layout=x/{deviceId}/{device};routes.a.topic.layout",
      "parser.topic.layout=devices/#;parser.topic.layout",
      "parser.status.topic.layout=devices/{deviceId}+/status;parser.status.topic.layout",
  })
  void badRoutesAreRefusedNamingTheKey(String settings, String key) {
    Map<String, String> raw = new HashMap<>();
    for (String kv : settings.split("\\|")) {
      raw.put(kv.substring(0, kv.indexOf('=')), kv.substring(kv.indexOf('=') + 1));
    }
    assertThatThrownBy(() -> new BridgeConfig(raw))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo(key))
        .hasMessageContaining(key);
  }

  @Test
  void theSparkplugPresetSubscribesToTheTelemetryTypesAndDecodesProtobuf() {
    BridgeConfig c = new BridgeConfig(Map.of("routes", "plant", "routes.plant.preset", "sparkplug-b", "mqtt.status.filters", ""));
    io.vigil.bridge.internal.Route plant = c.routes().of("spBv1.0/G1/DDATA/E1/D1");
    assertThat(plant.name()).isEqualTo("plant");
    assertThat(plant.filters()).isEqualTo(io.vigil.schemas.SparkplugB.SUBSCRIPTION_FILTERS);
    assertThat(plant.parser().format()).isEqualTo(io.vigil.schemas.PayloadMapping.Format.SPARKPLUG_B);
    assertThat(plant.kafkaTopic()).isEqualTo(c.telemetryTopic());

    BridgeConfig own = new BridgeConfig(Map.of("routes", "plant", "routes.plant.preset", "sparkplug-b",
        "routes.plant.filters", "spBv1.0/Line1/+/+/+", "mqtt.status.filters", ""));
    assertThat(own.routes().of("spBv1.0/Line1/DDATA/E1/D1").filters()).containsExactly("spBv1.0/Line1/+/+/+");
  }

  @Test
  void routesMapFiltersToTopicsWithTheirOwnQosAndKeys() {
    BridgeConfig c = new BridgeConfig(Map.ofEntries(
        Map.entry("mqtt.qos", "1"),
        Map.entry("routes", "alarms,legacy"),
        Map.entry("routes.alarms.filters", "sites/+/alarms, $share/g/sites/+/faults"),
        Map.entry("routes.alarms.qos", "2"),
        Map.entry("routes.alarms.kafka.topic", "site.alarms"),
        Map.entry("routes.alarms.topic.layout", "sites/{deviceId}/alarms"),
        Map.entry("routes.legacy.filters", "legacy/#"),
        Map.entry("routes.legacy.format", "raw"),
        Map.entry("routes.legacy.kafka.topic", "legacy.raw"),
        Map.entry("routes.legacy.key.from", "payload"),
        Map.entry("routes.legacy.key.field", "serial")));
    io.vigil.bridge.internal.Routes routes = c.routes();
    assertThat(routes.subscriptions()).extracting(s -> s.filter() + "@" + s.qos()).containsExactly(
        "legacy/#@1", "devices/+/status@1", "sites/+/alarms@2", "$share/g/sites/+/faults@2");
    assertThat(routes.of("sites/s1/alarms").kafkaTopic()).isEqualTo("site.alarms");
    assertThat(routes.of("sites/s1/faults").name()).isEqualTo("alarms");
    assertThat(routes.of("legacy/a/b").keyField()).isEqualTo("serial");
    assertThat(routes.of("devices/d1/status").name()).isEqualTo("status");
    assertThat(routes.of("sites/s1/alarms").parser().parse("sites/s1/alarms",
        "{\"ts\":1795000000000,\"level\":3}".getBytes(java.nio.charset.StandardCharsets.UTF_8), 1_795_000_000_000L).deviceId())
        .contains("s1");
  }

  @Test
  void aRoutePresetLandsItsFamilyWhileOtherRoutesKeepVigilsDialect() {
    BridgeConfig c = new BridgeConfig(Map.of("routes", "z2m,plant",
        "routes.z2m.filters", "zigbee2mqtt/+,zigbee2mqtt/+/availability", "routes.z2m.preset", "zigbee2mqtt",
        "routes.plant.filters", "plant/+/data", "routes.plant.topic.layout", "plant/{deviceId}/data",
        "routes.plant.timestamp.unit", "auto", "routes.plant.strings", "attribute"));
    long arrival = 1_796_655_605_000L;
    io.vigil.schemas.ParseResult z2m = c.routes().of("zigbee2mqtt/front_door").parser().parse("zigbee2mqtt/front_door",
        utf8("{\"contact\":false,\"battery\":91,\"action\":\"\"}"), arrival);
    assertThat(z2m.isAccepted()).as("%s", z2m).isTrue();
    assertThat(z2m.dialect()).isEqualTo("zigbee2mqtt");
    assertThat(z2m.timeSource()).isEqualTo(io.vigil.schemas.TimeSource.ARRIVAL);
    assertThat(z2m.measurements()).extracting(m -> m.metric() + "=" + m.value()).containsExactly("contact=0.0", "battery=91.0");
    io.vigil.schemas.ParseResult lwt = c.routes().of("zigbee2mqtt/front_door/availability").parser()
        .parse("zigbee2mqtt/front_door/availability", utf8("{\"state\":\"offline\"}"), arrival);
    assertThat(lwt.deviceStatus()).hasValueSatisfying(s -> assertThat(s.state().name()).isEqualTo("OFFLINE"));
    io.vigil.schemas.ParseResult plant = c.routes().of("plant/p1/data").parser().parse("plant/p1/data",
        utf8("{\"ts\": 1796655600, \"pressure\": 2.4, \"status\": \"RUNNING\"}"), arrival);
    assertThat(plant.isAccepted()).as("%s", plant).isTrue();
    assertThat(plant.dialect()).isEqualTo("vigil");
    assertThat(plant.measurements()).singleElement().satisfies(m -> assertThat(m.eventTimeMillis()).isEqualTo(1_796_655_600_000L));
    assertThat(plant.attributes()).extracting(a -> a.name() + "=" + a.value()).containsExactly("status=RUNNING");
  }

  @Test
  void aParserPresetWithoutMqttFiltersSubscribesToThePresetsTopics() {
    BridgeConfig c = new BridgeConfig(Map.of("parser.preset", "tasmota", "parser.timestamp.zone", "Europe/Berlin"));
    assertThat(c.routes().of("tele/plug/SENSOR").filters()).containsExactly("tele/+/SENSOR", "tele/+/LWT");
    assertThat(c.parserOptions().mapping().timestampZone()).isEqualTo(java.time.ZoneId.of("Europe/Berlin"));
    assertThat(new BridgeConfig(Map.of()).parserOptions().mapping().isVigil()).isTrue();
  }

  private static byte[] utf8(String s) {
    return s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void withoutRoutesTheDefaultTelemetryRouteUsesMqttFilters() {
    BridgeConfig c = new BridgeConfig(Map.of("mqtt.filters", "a/+/t,b/+/t", "mqtt.qos", "2", "mqtt.status.filters", ""));
    assertThat(c.routes().all()).singleElement().satisfies(r -> {
      assertThat(r.name()).isEqualTo("telemetry");
      assertThat(r.filters()).containsExactly("a/+/t", "b/+/t");
      assertThat(r.qos()).isEqualTo(2);
      assertThat(r.kafkaTopic()).isEqualTo("vigil.telemetry");
    });
  }

  @Test
  void badTopicLayoutIsRefused() {
    assertThatThrownBy(() -> new BridgeConfig(Map.of("parser.topic.layout", "devices/#")))
        .isInstanceOf(VigilException.class).hasMessageContaining("devices/#");
  }

  @Test
  void aDeviceIdOfSeveralSegmentsKeysTheRecords() {
    BridgeConfig c = new BridgeConfig(Map.of("routes", "ot", "routes.ot.filters", "tracks/+/+/loc",
        "routes.ot.topic.layout", "tracks/{deviceId}/{deviceId}/loc"));
    assertThat(c.routes().of("tracks/alice/phone/loc").parser().parse("tracks/alice/phone/loc", "{\"ts\":1796655600000,\"lat\":1.5}".getBytes(
        java.nio.charset.StandardCharsets.UTF_8), 1796655600000L).deviceId()).contains("alice:phone");
  }

  @Test
  void passwordNeverAppearsInTheLoggedConfig() {
    BridgeConfig c = new BridgeConfig(Map.of("mqtt.password", "s3cr3t-value", "kafka.producer.sasl.jaas.config", "password=\"pw-123\""));
    assertThat(c.toString()).doesNotContain("s3cr3t-value").doesNotContain("pw-123");
  }

  @TempDir static Path dir;
  static TestPki pki;
  static TestPki.Issued client;
  static Path keystore;

  @BeforeAll
  static void pki() {
    pki = TestPki.create(dir.resolve("pki"), "Config CA");
    client = pki.client("bridge", false);
    keystore = pki.pkcs12(client, "ks-pw");
  }

  /** Each row: settings (key=value, comma-separated; {ca} {cert} {key} {ks} are the test's files), the key the error names, a phrase of the fix. */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = ';', value = {
      "mqtt.url=tcp://b:1883,mqtt.tls.ca.file={ca};mqtt.url;ssl://",
      "mqtt.url=ssl://b:8883,mqtt.tls.cert.file={cert};mqtt.tls.key.file;Set mqtt.tls.key.file",
      "mqtt.url=ssl://b:8883,mqtt.tls.key.file={key};mqtt.tls.cert.file;Set mqtt.tls.cert.file",
      "mqtt.url=ssl://b:8883,mqtt.tls.cert.file={cert},mqtt.tls.key.file={key},mqtt.tls.keystore.file={ks},mqtt.tls.keystore.password=ks-pw;mqtt.tls.keystore.file;Keep one",
      "mqtt.url=ssl://b:8883,mqtt.tls.ca.file={ca},mqtt.tls.truststore.file={ks};mqtt.tls.truststore.file;Keep one",
      "mqtt.url=ssl://b:8883,mqtt.tls.keystore.file={ks};mqtt.tls.keystore.password;env:NAME",
      "mqtt.url=ssl://b:8883,mqtt.tls.keystore.password=ks-pw;mqtt.tls.keystore.password;Set mqtt.tls.keystore.file",
      "mqtt.url=ssl://b:8883,mqtt.tls.truststore.password=x;mqtt.tls.truststore.password;Set mqtt.tls.truststore.file",
      "mqtt.url=ssl://b:8883,mqtt.tls.ca.file={key};mqtt.tls.ca.file;BEGIN CERTIFICATE",
      "mqtt.url=ssl://b:8883,mqtt.tls.keystore.file={ks},mqtt.tls.keystore.password=not-it;mqtt.tls.keystore.password;Check mqtt.tls.keystore.password",
      "mqtt.url=ssl://b:8883,mqtt.tls.keystore.file={ca},mqtt.tls.keystore.password=ks-pw;mqtt.tls.keystore.file;.p12",
  })
  void inconsistentTlsSettingsAreRefusedNamingTheKeyAndTheFix(String settings, String key, String fix) {
    Map<String, String> raw = new HashMap<>();
    for (String kv : settings.split(",")) {
      String[] p = kv.split("=", 2);
      raw.put(p[0], p[1].replace("{ca}", pki.ca.certFile().toString()).replace("{cert}", client.certFile().toString())
          .replace("{key}", client.keyFile().toString()).replace("{ks}", keystore.toString()));
    }
    assertThatThrownBy(() -> new BridgeConfig(raw))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo(key))
        .hasMessageContaining(key).hasMessageContaining(fix)
        .hasMessageNotContaining("ks-pw").hasMessageNotContaining("not-it");
  }

  @Test
  void sslUrlWithoutTrustMaterialUsesTheJvmDefaults() {
    BridgeConfig c = new BridgeConfig(Map.of("mqtt.url", "ssl://broker.example:8883"));
    assertThat(c.tlsSocketFactory()).isNotNull();
    assertThat(c.tlsSettings().trustSource()).contains("JVM's default trust store");
    assertThat(c.tlsSettings().hostnameVerification()).isTrue();
  }

  @Test
  void mutualTlsFromAKeyStoreIsAccepted() {
    BridgeConfig c = new BridgeConfig(Map.of("mqtt.url", "ssl://b:8883", "mqtt.tls.ca.file", pki.ca.certFile().toString(),
        "mqtt.tls.keystore.file", keystore.toString(), "mqtt.tls.keystore.password", "ks-pw"));
    assertThat(c.tlsSettings().clientCertificate()).isTrue();
    assertThat(c.toString()).doesNotContain("ks-pw");
  }

  @Test
  void statusForwardingDefaultsAndCanBeTurnedOff() {
    BridgeConfig c = new BridgeConfig(Map.of());
    assertThat(c.statusFilters()).containsExactly("devices/+/status");
    assertThat(c.statusTopic()).isEqualTo(io.vigil.schemas.Topics.DEVICE_STATUS);
    assertThat(c.statusTopicLayout().deviceIdOf("devices/d7/status")).contains("d7");
    assertThat(new BridgeConfig(Map.of("mqtt.status.filters", "")).statusFilters()).isEmpty();
  }

  @Test
  void aFilterCannotBeBothTelemetryAndStatus() {
    assertThatThrownBy(() -> new BridgeConfig(Map.of("mqtt.filters", "devices/+/status", "mqtt.status.filters", "devices/+/status")))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("mqtt.status.filters"));
    assertThatThrownBy(() -> new BridgeConfig(Map.of("parser.status.topic.layout", "devices/#")))
        .isInstanceOf(VigilException.class).hasMessageContaining("devices/#");
  }
}
