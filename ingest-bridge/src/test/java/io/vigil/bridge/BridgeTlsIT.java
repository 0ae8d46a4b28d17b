package io.vigil.bridge;

import static io.vigil.bridge.SecurityItSupport.assertAllLandAndAreAcked;
import static io.vigil.bridge.SecurityItSupport.close;
import static io.vigil.bridge.SecurityItSupport.createTopics;
import static io.vigil.bridge.SecurityItSupport.publishTelemetry;
import static io.vigil.bridge.SecurityItSupport.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.common.VigilException;
import io.vigil.stack.MosquittoOptions;
import io.vigil.testsupport.KafkaServerExtension;
import io.vigil.testsupport.MosquittoExtension;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The bridge over TLS with server authentication only, against real Mosquitto and Kafka. */
class BridgeTlsIT {
  static final TestPki PKI = TestPki.create(SecurityItSupport.tempDir("vigil-tls-it-"), "Vigil TLS IT CA");
  static final TestPki.Issued BROKER = PKI.server("mosquitto");

  @RegisterExtension static final KafkaServerExtension kafka = new KafkaServerExtension();
  @RegisterExtension static final MosquittoExtension mosquitto = new MosquittoExtension(MosquittoOptions.defaults()
      .withTls(new MosquittoOptions.Tls(0, PKI.ca.certFile(), BROKER.certFile(), BROKER.keyFile(), false)));

  @TempDir Path persistence;

  @Test
  void everyMessageCrossesATlsConnectionTrustedThroughTheCaFile() throws Exception {
    Map<String, String> raw = settings("tls-ca", mosquitto.tlsUrl(), kafka, persistence);
    raw.put(BridgeConfig.MQTT_TLS_CA_FILE, PKI.ca.certFile().toString());
    BridgeConfig config = new BridgeConfig(raw);
    createTopics(kafka, config);
    try (MqttKafkaBridge bridge = new MqttKafkaBridge(config)) {
      bridge.start();
      MqttClient publisher = mosquitto.connect("tls-ca-pub", true);
      List<String> published = publishTelemetry(publisher, 50, 2000);
      close(publisher);
      assertAllLandAndAreAcked(kafka, config, bridge, published);
    }
    assertThat(java.nio.file.Files.readString(mosquitto.broker().logFile())).contains("tls-ca");
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aBrokerCertificateFromAnotherCaFailsFastNamingTheTrustKey() {
    TestPki other = TestPki.create(SecurityItSupport.tempDir("vigil-tls-other-"), "Someone Else's CA");
    Map<String, String> raw = settings("tls-untrusted", mosquitto.tlsUrl(), kafka, persistence);
    raw.put(BridgeConfig.MQTT_TLS_CA_FILE, other.ca.certFile().toString());
    try (MqttKafkaBridge bridge = new MqttKafkaBridge(new BridgeConfig(raw))) {
      assertThatThrownBy(bridge::start)
          .isInstanceOf(VigilException.class)
          .hasMessageContaining("does not trust")
          .hasMessageContaining("mqtt.tls.ca.file (" + other.ca.certFile() + ")")
          .hasMessageContaining(mosquitto.tlsUrl());
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void withoutTrustMaterialTheJvmDefaultsRejectAPrivateCa() {
    BridgeConfig config = new BridgeConfig(settings("tls-default-trust", mosquitto.tlsUrl(), kafka, persistence));
    try (MqttKafkaBridge bridge = new MqttKafkaBridge(config)) {
      assertThatThrownBy(bridge::start).isInstanceOf(VigilException.class)
          .hasMessageContaining("JVM's default trust store").hasMessageContaining("mqtt.tls.ca.file");
    }
  }
}
