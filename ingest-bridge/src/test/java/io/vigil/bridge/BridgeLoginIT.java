package io.vigil.bridge;

import static io.vigil.bridge.SecurityItSupport.assertAllLandAndAreAcked;
import static io.vigil.bridge.SecurityItSupport.close;
import static io.vigil.bridge.SecurityItSupport.createTopics;
import static io.vigil.bridge.SecurityItSupport.fullText;
import static io.vigil.bridge.SecurityItSupport.publishTelemetry;
import static io.vigil.bridge.SecurityItSupport.settings;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

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

/** User name and password against Mosquitto with a password file and no anonymous access. */
class BridgeLoginIT {
  private static final String BRIDGE_PASSWORD = "Br1dge-pa55-7f3a";
  private static final String WRONG_PASSWORD = "Wr0ng-pa55-91c2";

  @RegisterExtension static final KafkaServerExtension kafka = new KafkaServerExtension();
  private static final MosquittoOptions USERS = MosquittoOptions.defaults()
      .withUser("vigil-bridge", BRIDGE_PASSWORD).withUser("publisher", "pub-pw");
  @RegisterExtension static final MosquittoExtension mosquitto = new MosquittoExtension(USERS);

  @TempDir Path persistence;

  @Test
  void theRightPasswordBridgesEveryMessage() throws Exception {
    Path secret = persistence.resolve("mqtt.pw");
    java.nio.file.Files.writeString(secret, BRIDGE_PASSWORD + "\n");
    Map<String, String> raw = settings("login-ok", mosquitto.url(), kafka, persistence);
    raw.put(BridgeConfig.MQTT_USERNAME, "vigil-bridge");
    raw.put(BridgeConfig.MQTT_PASSWORD, "file:" + secret);
    BridgeConfig config = new BridgeConfig(raw);
    createTopics(kafka, config);
    try (MqttKafkaBridge bridge = new MqttKafkaBridge(config)) {
      bridge.start();
      MqttClient publisher = mosquitto.connect("login-pub", true, null, "publisher", "pub-pw");
      List<String> published = publishTelemetry(publisher, 50, 2000);
      close(publisher);
      assertAllLandAndAreAcked(kafka, config, bridge, published);
    }
  }

  /**
   * The broker's password is rotated and the bridge's is not: the reconnect after the broker restarts
   * is refused, and the bridge must report that, not retry in silence (as Paho's own reconnect would).
   */
  @Test
  @Timeout(value = 90, unit = TimeUnit.SECONDS)
  void aLoginRefusedOnReconnectEndsTheBridgeWithTheLoginError() throws Exception {
    Map<String, String> raw = settings("login-rotated", mosquitto.url(), kafka, persistence);
    raw.put(BridgeConfig.MQTT_USERNAME, "vigil-bridge");
    raw.put(BridgeConfig.MQTT_PASSWORD, BRIDGE_PASSWORD);
    raw.put(BridgeConfig.MQTT_RECONNECT_MAX_DELAY, "1s");
    BridgeConfig config = new BridgeConfig(raw);
    createTopics(kafka, config);
    try (MqttKafkaBridge bridge = new MqttKafkaBridge(config)) {
      bridge.start();
      assertThat(bridge.fatalError()).isNotDone();
      mosquitto.restartWith(MosquittoOptions.defaults().withUser("vigil-bridge", "R0tated-pa55-c1d9").withUser("publisher", "pub-pw"));
      VigilException error = bridge.fatalError().get(60, TimeUnit.SECONDS);
      assertThat(error).hasMessageContaining("refused the login of user 'vigil-bridge'").hasMessageContaining("mqtt.password");
      assertThat(fullText(error)).doesNotContain(BRIDGE_PASSWORD);
      assertThat(bridge.metrics().mqttConnected()).isFalse();
      assertThat(bridge.liveness().ok()).isFalse();
    } finally {
      mosquitto.restartWith(USERS);
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aWrongPasswordFailsFastWithTheLoginErrorAndThePasswordIsNowhere() {
    Map<String, String> raw = settings("login-wrong", mosquitto.url(), kafka, persistence);
    raw.put(BridgeConfig.MQTT_USERNAME, "vigil-bridge");
    raw.put(BridgeConfig.MQTT_PASSWORD, WRONG_PASSWORD);
    Throwable error;
    List<String> logLines;
    try (SecurityItSupport.CapturedLogs logs = new SecurityItSupport.CapturedLogs()) {
      BridgeConfig config = new BridgeConfig(raw);
      org.slf4j.LoggerFactory.getLogger(BridgeLoginIT.class).info("Starting bridge: {}", config);
      try (MqttKafkaBridge bridge = new MqttKafkaBridge(config)) {
        error = catchThrowable(bridge::start);
      }
      org.slf4j.LoggerFactory.getLogger(BridgeLoginIT.class).error("Bridge failed", error);
      logLines = logs.lines();
    }
    assertThat(error).isInstanceOf(VigilException.class)
        .hasMessageContaining("refused the login of user 'vigil-bridge'")
        .hasMessageContaining("mqtt.password");
    assertThat(fullText(error)).doesNotContain(WRONG_PASSWORD);
    // The capture works (the bridge and this test logged), and no line carries the password.
    assertThat(logLines).anyMatch(l -> l.contains("Starting bridge")).anyMatch(l -> l.contains("refused the login"));
    assertThat(logLines).noneMatch(l -> l.contains(WRONG_PASSWORD));
  }
}
