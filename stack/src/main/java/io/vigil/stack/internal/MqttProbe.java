package io.vigil.stack.internal;

import java.util.UUID;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;

/** An MQTT broker is ready when a client can connect to it, or it answers that our login is refused. */
public final class MqttProbe {
  private MqttProbe() {}

  public static boolean canConnect(String url) {
    try {
      MqttClient client = new MqttClient(url, "vigil-probe-" + UUID.randomUUID().toString().substring(0, 8),
          new MemoryPersistence());
      try {
        MqttConnectOptions opts = new MqttConnectOptions();
        opts.setCleanSession(true);
        opts.setConnectionTimeout(2);
        opts.setAutomaticReconnect(false);
        client.connect(opts);
        client.disconnect(1000);
        return true;
      } finally {
        client.close(true);
      }
    } catch (MqttException e) {
      // A broker that refuses our anonymous probe's login (it has users) is up and speaking MQTT.
      return e.getReasonCode() == MqttException.REASON_CODE_NOT_AUTHORIZED
          || e.getReasonCode() == MqttException.REASON_CODE_FAILED_AUTHENTICATION;
    }
  }
}
