package io.vigil.testsupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class MosquittoExtensionIT {
  @RegisterExtension static final MosquittoExtension mqtt = new MosquittoExtension();

  @Test
  void qos1MessagesReachASubscriber() throws Exception {
    Collector received = new Collector();
    MqttClient sub = mqtt.connect("sub-live", true, received);
    sub.subscribe("live/#", 1);
    MqttClient pub = mqtt.connect("pub-live", true);

    publish(pub, "live/a", 0, 100);

    await().atMost(Duration.ofSeconds(30)).until(() -> received.ids.size() == 100);
    assertThat(received.ids).isEqualTo(range(0, 100));
    close(pub, sub);
  }

  /** Proves the no-drop config: Mosquitto's default would keep only 1,000 of these. */
  @Test
  void offlinePersistentSessionGetsAllFiveThousandQueuedMessages() throws Exception {
    MqttClient sub = mqtt.connect("sub-offline", false);
    sub.subscribe("queued/#", 1);
    sub.disconnect();
    sub.close();

    MqttClient pub = mqtt.connect("pub-offline", true);
    publish(pub, "queued/x", 0, 5_000);

    Collector received = new Collector();
    MqttClient back = mqtt.connect("sub-offline", false, received);
    await().atMost(Duration.ofSeconds(60)).until(() -> received.ids.size() >= 5_000);
    assertThat(received.ids).isEqualTo(range(0, 5_000));
    close(pub, back);
  }

  @Test
  void queuedMessagesSurviveABrokerRestart() throws Exception {
    MqttClient sub = mqtt.connect("sub-restart", false);
    sub.subscribe("restart/#", 1);
    sub.disconnect();
    sub.close();
    MqttClient pub = mqtt.connect("pub-restart", true);
    publish(pub, "restart/x", 0, 300);
    pub.disconnect();
    pub.close();

    mqtt.restart();

    Collector received = new Collector();
    MqttClient back = mqtt.connect("sub-restart", false, received);
    await().atMost(Duration.ofSeconds(30)).until(() -> received.ids.size() >= 300);
    assertThat(received.ids).isEqualTo(range(0, 300));
    close(back);
  }

  private static void publish(MqttClient pub, String topic, int from, int to) throws Exception {
    for (int i = from; i < to; i++) {
      MqttMessage m = new MqttMessage(Integer.toString(i).getBytes(StandardCharsets.UTF_8));
      m.setQos(1);
      pub.publish(topic, m);
    }
  }

  private static Set<Integer> range(int from, int to) {
    return IntStream.range(from, to).boxed().collect(Collectors.toSet());
  }

  private static void close(MqttClient... clients) throws Exception {
    for (MqttClient c : clients) {
      c.disconnect();
      c.close();
    }
  }

  private static final class Collector implements MqttCallback {
    final Set<Integer> ids = ConcurrentHashMap.newKeySet();

    @Override
    public void messageArrived(String topic, MqttMessage message) {
      ids.add(Integer.parseInt(new String(message.getPayload(), StandardCharsets.UTF_8)));
    }

    @Override
    public void connectionLost(Throwable cause) {}

    @Override
    public void deliveryComplete(IMqttDeliveryToken token) {}
  }
}
