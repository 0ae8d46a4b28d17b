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
  })
  void badSettingsAreRefusedNamingTheKey(String key, String value) {
    assertThatThrownBy(() -> new BridgeConfig(Map.of(key, value)))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo(key))
        .hasMessageContaining(key);
  }

  @Test
  void badTopicLayoutIsRefused() {
    assertThatThrownBy(() -> new BridgeConfig(Map.of("parser.topic.layout", "devices/#")))
        .isInstanceOf(VigilException.class).hasMessageContaining("devices/#");
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
