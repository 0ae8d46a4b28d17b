package io.vigil.bridge;

import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/**
 * Publishes telemetry at QoS 1 so the test knows exactly what the broker accepted: a window of
 * publishes, then each one's PUBACK; whatever was not acknowledged (broker restarting, say) is
 * published again after a reconnect, until every message has its PUBACK. Messages are
 * {@code {"ts":..,"seq":n,"t":..}} on {@code devices/dev-<d>/telemetry}, distinct by payload.
 */
final class ReliablePublisher {
  /** One message: its topic and its (unique) payload. */
  record Message(String topic, String payload) {}

  private final String url;
  private final String clientId;
  private final AtomicInteger confirmed = new AtomicInteger();
  private final AtomicInteger republished = new AtomicInteger();

  ReliablePublisher(String url, String clientId) {
    this.url = url;
    this.clientId = clientId;
  }

  /** {@code devices} devices, round robin, {@code total} messages. */
  static List<Message> telemetry(String run, int devices, int total) {
    long now = System.currentTimeMillis();
    List<Message> out = new ArrayList<>(total);
    for (int i = 0; i < total; i++) {
      int device = i % devices;
      out.add(new Message("devices/" + run + "-" + device + "/telemetry",
          "{\"ts\":" + (now + i) + ",\"seq\":" + i + ",\"t\":" + (i % 100) * 0.5 + "}"));
    }
    return out;
  }

  /** Messages with their PUBACK so far. */
  int confirmed() {
    return confirmed.get();
  }

  /** Publishes that were repeated because their PUBACK never came. */
  int republished() {
    return republished.get();
  }

  /** Publishes all, {@code window} at a time; returns when the broker acknowledged every one. */
  void publishAll(List<Message> messages, int window) throws MqttException {
    MqttAsyncClient client = new MqttAsyncClient(url, clientId, new MemoryPersistence());
    MqttConnectOptions options = new MqttConnectOptions();
    options.setCleanSession(true);
    options.setAutomaticReconnect(false);
    options.setMaxInflight(window);
    options.setConnectionTimeout(5);
    try {
      connect(client, options);
      for (int start = 0; start < messages.size(); start += window) {
        Set<Message> unconfirmed = new LinkedHashSet<>(messages.subList(start, Math.min(messages.size(), start + window)));
        boolean first = true;
        while (!unconfirmed.isEmpty()) {
          if (!first) {
            republished.addAndGet(unconfirmed.size());
            connect(client, options);
          }
          first = false;
          unconfirmed.removeAll(publishWindow(client, unconfirmed));
        }
      }
      client.disconnect().waitForCompletion(10_000);
    } finally {
      client.close(true);
    }
  }

  /** Publishes the window; returns those whose PUBACK arrived. */
  private List<Message> publishWindow(MqttAsyncClient client, Set<Message> window) {
    List<Message> sent = new ArrayList<>();
    List<IMqttDeliveryToken> tokens = new ArrayList<>();
    for (Message m : window) {
      try {
        tokens.add(client.publish(m.topic(), m.payload().getBytes(StandardCharsets.UTF_8), 1, false));
        sent.add(m);
      } catch (MqttException e) {
        break; // not connected: the rest of the window goes again after the reconnect
      }
    }
    List<Message> done = new ArrayList<>();
    for (int i = 0; i < tokens.size(); i++) {
      try {
        tokens.get(i).waitForCompletion(15_000);
        if (tokens.get(i).getException() == null && tokens.get(i).isComplete()) {
          done.add(sent.get(i));
          confirmed.incrementAndGet();
        }
      } catch (MqttException e) {
        // no PUBACK (connection lost or timed out): published again
      }
    }
    return done;
  }

  private static void connect(MqttAsyncClient client, MqttConnectOptions options) {
    await("publisher connected to " + client.getServerURI()).atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
        .ignoreExceptions()
        .until(() -> {
          if (!client.isConnected()) {
            client.connect(options).waitForCompletion(5_000);
          }
          return client.isConnected();
        });
  }
}
