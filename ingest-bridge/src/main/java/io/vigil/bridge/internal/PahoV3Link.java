package io.vigil.bridge.internal;

import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import org.eclipse.paho.client.mqttv3.IMqttDeliveryToken;
import org.eclipse.paho.client.mqttv3.IMqttToken;
import org.eclipse.paho.client.mqttv3.MqttAsyncClient;
import org.eclipse.paho.client.mqttv3.MqttCallback;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.MqttMessage;
import org.eclipse.paho.client.mqttv3.persist.MqttDefaultFilePersistence;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** An MQTT 3.1.1 link over Paho's mqttv3 client: clean session off, manual acks, file persistence. */
public final class PahoV3Link implements MqttLink {
  private static final Logger log = LoggerFactory.getLogger(PahoV3Link.class);

  private final MqttAsyncClient client;

  private PahoV3Link(MqttAsyncClient client) {
    this.client = client;
  }

  /** Connects a new client; Paho's own reconnect stays off: the owner makes a new link instead. */
  public static MqttLink connect(LinkSettings s, Listener listener) throws LinkException {
    MqttAsyncClient client;
    try {
      Files.createDirectories(s.persistenceDir());
      client = new MqttAsyncClient(s.url(), s.clientId(), new MqttDefaultFilePersistence(s.persistenceDir().toString()));
    } catch (java.io.IOException | MqttException e) {
      throw new LinkException(ConnectFailures.Kind.REFUSED, "cannot create the MQTT client: " + e.getMessage(), e);
    }
    PahoV3Link link = new PahoV3Link(client);
    client.setManualAcks(true);
    client.setCallback(new MqttCallback() {
      @Override
      public void connectionLost(Throwable cause) {
        listener.connectionLost(link, cause);
      }

      @Override
      public void messageArrived(String topic, MqttMessage m) throws InterruptedException {
        listener.messageArrived(new InboundMessage(topic, m.getPayload(), m.getQos(), m.isRetained(), m.isDuplicate(), m.getId(),
            List.of(), link));
      }

      @Override
      public void deliveryComplete(IMqttDeliveryToken token) {
        // The bridge never publishes to MQTT.
      }
    });
    MqttConnectOptions o = new MqttConnectOptions();
    // The broker keeps our subscription and every unacknowledged message while we are away.
    o.setCleanSession(false);
    o.setAutomaticReconnect(false);
    o.setKeepAliveInterval((int) s.keepAlive().toSeconds());
    o.setConnectionTimeout((int) s.connectTimeout().toSeconds());
    o.setMqttVersion(MqttConnectOptions.MQTT_VERSION_3_1_1);
    if (s.username() != null) {
      o.setUserName(s.username());
    }
    if (s.password() != null) {
      o.setPassword(s.password().chars());
    }
    if (s.tlsSocketFactory() != null) {
      o.setSocketFactory(s.tlsSocketFactory());
      o.setHttpsHostnameVerificationEnabled(s.hostnameVerification());
    }
    try {
      client.connect(o).waitForCompletion(s.connectTimeout().toMillis() + 5_000);
      return link;
    } catch (MqttException e) {
      link.close(Duration.ZERO);
      throw new LinkException(ConnectFailures.classify(e), e.getMessage(), e);
    }
  }

  @Override
  public String protocol() {
    return "3.1.1";
  }

  @Override
  public int[] subscribe(List<Subscription> subscriptions, Duration timeout) throws LinkException {
    String[] filters = subscriptions.stream().map(Subscription::filter).toArray(String[]::new);
    int[] qos = subscriptions.stream().mapToInt(Subscription::qos).toArray();
    try {
      IMqttToken token = client.subscribe(filters, qos);
      token.waitForCompletion(timeout.toMillis());
      return token.getGrantedQos();
    } catch (MqttException e) {
      throw new LinkException(ConnectFailures.Kind.RETRIABLE, "subscribing failed: " + e.getMessage(), e);
    }
  }

  @Override
  public void acknowledge(int messageId, int qos) {
    try {
      if (client.isConnected()) {
        client.messageArrivedComplete(messageId, qos);
      }
    } catch (MqttException e) {
      log.debug("Could not acknowledge message {} ({}); the broker will redeliver it", messageId, e.getMessage());
    }
  }

  @Override
  public void publish(String topic, byte[] payload, int qos) {
    try {
      if (client.isConnected()) {
        client.publish(topic, payload, qos, false);
        return;
      }
      log.warn("Not connected: could not publish to {}", topic);
    } catch (MqttException e) {
      log.warn("Could not publish to {} ({})", topic, e.getMessage());
    }
  }

  @Override
  public boolean isConnected() {
    return client.isConnected();
  }

  @Override
  public void close(Duration timeout) {
    try {
      if (client.isConnected() && !timeout.isZero()) {
        client.disconnect(timeout.toMillis()).waitForCompletion(timeout.toMillis() + 1_000);
      }
    } catch (MqttException e) {
      log.debug("MQTT disconnect: {}", e.getMessage());
    }
    try {
      // Forced: a client whose connection was lost refuses a plain close(); this also frees the
      // persistence directory's lock for the next link.
      client.close(true);
    } catch (MqttException e) {
      log.debug("Closing the MQTT client: {}", e.getMessage());
    }
  }
}
