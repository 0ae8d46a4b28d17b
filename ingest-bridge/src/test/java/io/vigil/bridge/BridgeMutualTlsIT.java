package io.vigil.bridge;

import static io.vigil.bridge.SecurityItSupport.assertAllLandAndAreAcked;
import static io.vigil.bridge.SecurityItSupport.close;
import static io.vigil.bridge.SecurityItSupport.createTopics;
import static io.vigil.bridge.SecurityItSupport.publishTelemetry;
import static io.vigil.bridge.SecurityItSupport.settings;
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

/** Mutual TLS (Mosquitto require_certificate) with the client identity from PEM files or a PKCS12 key store. */
class BridgeMutualTlsIT {
  static final TestPki PKI = TestPki.create(SecurityItSupport.tempDir("vigil-mtls-it-"), "Vigil mTLS IT CA");
  static final TestPki.Issued BROKER = PKI.server("mosquitto");

  @RegisterExtension static final KafkaServerExtension kafka = new KafkaServerExtension();
  @RegisterExtension static final MosquittoExtension mosquitto = new MosquittoExtension(MosquittoOptions.defaults()
      .withTls(new MosquittoOptions.Tls(0, PKI.ca.certFile(), BROKER.certFile(), BROKER.keyFile(), true)));

  @TempDir Path persistence;

  @Test
  void pemCertificateAndPkcs8Key() throws Exception {
    TestPki.Issued client = PKI.client("bridge-pem", true);
    Map<String, String> raw = settings("mtls-pem", mosquitto.tlsUrl(), kafka, persistence);
    raw.put(BridgeConfig.MQTT_TLS_CA_FILE, PKI.ca.certFile().toString());
    raw.put(BridgeConfig.MQTT_TLS_CERT_FILE, client.certFile().toString());
    raw.put(BridgeConfig.MQTT_TLS_KEY_FILE, client.keyFile().toString());
    runAndAssertEverythingLands(new BridgeConfig(raw), "mtls-pem-pub");
  }

  @Test
  void pkcs12KeyStoreAndTrustStore() throws Exception {
    TestPki.Issued client = PKI.client("bridge-p12", false);
    Path keystore = PKI.pkcs12(client, "p12-secret");
    Path secretFile = persistence.resolve("keystore.pw");
    java.nio.file.Files.writeString(secretFile, "p12-secret\n");
    Map<String, String> raw = settings("mtls-p12", mosquitto.tlsUrl(), kafka, persistence);
    raw.put(BridgeConfig.MQTT_TLS_TRUSTSTORE_FILE, PKI.truststore("trust-pw").toString());
    raw.put(BridgeConfig.MQTT_TLS_TRUSTSTORE_PASSWORD, "trust-pw");
    raw.put(BridgeConfig.MQTT_TLS_KEYSTORE_FILE, keystore.toString());
    raw.put(BridgeConfig.MQTT_TLS_KEYSTORE_PASSWORD, "file:" + secretFile);
    runAndAssertEverythingLands(new BridgeConfig(raw), "mtls-p12-pub");
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void withoutAClientCertificateTheHandshakeFailsFastNamingTheIdentityKeys() {
    Map<String, String> raw = settings("mtls-nocert", mosquitto.tlsUrl(), kafka, persistence);
    raw.put(BridgeConfig.MQTT_TLS_CA_FILE, PKI.ca.certFile().toString());
    try (MqttKafkaBridge bridge = new MqttKafkaBridge(new BridgeConfig(raw))) {
      assertThatThrownBy(bridge::start).isInstanceOf(VigilException.class)
          .hasMessageContaining("TLS handshake").hasMessageContaining("mqtt.tls.cert.file")
          .hasMessageContaining("mqtt.tls.keystore.file").hasMessageContaining("requires a client certificate");
    }
  }

  private void runAndAssertEverythingLands(BridgeConfig config, String publisherId) throws Exception {
    createTopics(kafka, config);
    try (MqttKafkaBridge bridge = new MqttKafkaBridge(config)) {
      bridge.start();
      MqttClient publisher = mosquitto.connect(publisherId, true);
      List<String> published = publishTelemetry(publisher, 50, 2000);
      close(publisher);
      assertAllLandAndAreAcked(kafka, config, bridge, published);
    }
  }
}
