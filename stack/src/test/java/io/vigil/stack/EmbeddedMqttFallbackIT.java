package io.vigil.stack;

import static io.vigil.stack.LocalStackIT.alive;
import static io.vigil.stack.LocalStackIT.freePorts;
import static io.vigil.stack.LocalStackIT.quiet;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedMqttFallbackIT {
  @TempDir Path dir;

  @Test
  void stackRunsWithTheEmbeddedBrokerAndDeliversQos1() throws Exception {
    int[] ports = freePorts(3);
    LocalStack stack = new LocalStack(LocalStackSettings.defaults().withDir(dir)
        .withPorts(ports[0], ports[1], ports[2]).withMqttBroker(MqttBrokerChoice.EMBEDDED));
    try {
      StackEndpoints endpoints = stack.up(quiet());
      assertThat(endpoints.mqttBroker()).isEqualTo("embedded");
      assertThat(StackEndpoints.load(dir.resolve("endpoints.properties")).mqttBroker()).isEqualTo("embedded");
      List<ComponentStatus> status = stack.status();
      assertThat(status).allMatch(ComponentStatus::ready).extracting(ComponentStatus::name)
          .containsExactly("kafka", "mqtt/embedded");

      Set<String> received = ConcurrentHashMap.newKeySet();
      MqttClient sub = client(endpoints.mqttUrl(), "fallback-sub");
      sub.subscribe("fallback/#", 1, (topic, msg) -> received.add(new String(msg.getPayload(), StandardCharsets.UTF_8)));
      MqttClient pub = client(endpoints.mqttUrl(), "fallback-pub");
      for (int i = 0; i < 50; i++) {
        MqttMessage m = new MqttMessage(("m" + i).getBytes(StandardCharsets.UTF_8));
        m.setQos(1);
        pub.publish("fallback/t", m);
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> received.size() == 50);
      pub.disconnect();
      sub.disconnect();
      pub.close();
      sub.close();

      stack.down(quiet());
      assertThat(status).allSatisfy(s -> assertThat(alive(s.pid().getAsLong())).isFalse());
      assertThat(stack.status()).noneMatch(ComponentStatus::ready);
    } finally {
      stack.down(quiet());
    }
  }

  private static MqttClient client(String url, String id) throws Exception {
    MqttClient c = new MqttClient(url, id, new MemoryPersistence());
    MqttConnectOptions o = new MqttConnectOptions();
    o.setCleanSession(true);
    c.connect(o);
    return c;
  }
}
