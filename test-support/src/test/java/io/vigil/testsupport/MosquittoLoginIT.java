package io.vigil.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vigil.stack.MosquittoOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The password-file variant: users get in with their password, nobody else does. */
class MosquittoLoginIT {
  @RegisterExtension static final MosquittoExtension mqtt = new MosquittoExtension(
      MosquittoOptions.defaults().withUser("alice", "alice-pw").withUser("bob", "bob-pw"));

  @Test
  void usersWithTheirPasswordExchangeMessages() throws Exception {
    List<String> received = new CopyOnWriteArrayList<>();
    MqttClient sub = mqtt.connect("login-sub", true, new Collect(received), "alice", "alice-pw");
    sub.subscribe("t/#", 1);
    MqttClient pub = mqtt.connect("login-pub", true, null, "bob", "bob-pw");
    for (int i = 0; i < 50; i++) {
      MqttMessage m = new MqttMessage(Integer.toString(i).getBytes(StandardCharsets.UTF_8));
      m.setQos(1);
      pub.publish("t/x", m);
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> received.size() == 50);
    pub.disconnect();
    sub.disconnect();
    pub.close();
    sub.close();
  }

  @Test
  void anonymousClientsAndWrongPasswordsAreRefused() throws Exception {
    assertThatThrownBy(() -> mqtt.connect("anon", true))
        .cause().isInstanceOfSatisfying(MqttException.class, e -> assertThat(e.getReasonCode()).isIn(4, 5));
    assertThatThrownBy(() -> mqtt.connect("wrong", true, null, "alice", "bob-pw"))
        .cause().isInstanceOfSatisfying(MqttException.class, e -> assertThat(e.getReasonCode()).isIn(4, 5));
    // Mosquitto keeps only salted hashes.
    String passwords = Files.readString(mqtt.broker().confFile().resolveSibling("passwords"));
    assertThat(passwords).contains("alice:").doesNotContain("alice-pw");
  }

  private record Collect(List<String> into) implements MqttCallback {
    @Override public void messageArrived(String topic, MqttMessage message) {
      into.add(new String(message.getPayload(), StandardCharsets.UTF_8));
    }
    @Override public void connectionLost(Throwable cause) {}
    @Override public void deliveryComplete(IMqttDeliveryToken token) {}
  }
}
