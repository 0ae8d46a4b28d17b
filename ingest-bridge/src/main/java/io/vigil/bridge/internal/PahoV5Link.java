package io.vigil.bridge.internal;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.paho.mqttv5.client.IMqttToken;
import org.eclipse.paho.mqttv5.client.MqttAsyncClient;
import org.eclipse.paho.mqttv5.client.MqttCallback;
import org.eclipse.paho.mqttv5.client.MqttConnectionOptions;
import org.eclipse.paho.mqttv5.client.MqttDisconnectResponse;
import org.eclipse.paho.mqttv5.client.persist.MqttDefaultFilePersistence;
import org.eclipse.paho.mqttv5.common.MqttException;
import org.eclipse.paho.mqttv5.common.MqttMessage;
import org.eclipse.paho.mqttv5.common.MqttSubscription;
import org.eclipse.paho.mqttv5.common.packet.MqttProperties;
import org.eclipse.paho.mqttv5.common.packet.UserProperty;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An MQTT 5 link over Paho's mqttv5 client. Over 3.1.1 it adds Receive Maximum, so a broker that
 * honours it never sends more unacknowledged messages than the bridge's in-flight bound, and a
 * session expiry, so an instance that is gone for good does not make the broker queue forever.
 */
public final class PahoV5Link implements MqttLink {
  private static final Logger log = LoggerFactory.getLogger(PahoV5Link.class);
  /** MQTT 5's "the session does not expire". */
  private static final long NEVER_EXPIRES = 0xFFFFFFFFL;

  private final MqttAsyncClient client;

  private PahoV5Link(MqttAsyncClient client) {
    this.client = client;
  }

  public static MqttLink connect(LinkSettings s, Listener listener) throws LinkException {
    MqttAsyncClient client;
    try {
      Files.createDirectories(s.persistenceDir());
      client = new MqttAsyncClient(s.url(), s.clientId(), new MqttDefaultFilePersistence(s.persistenceDir().toString()));
    } catch (java.io.IOException | MqttException e) {
      throw new LinkException(ConnectFailures.Kind.REFUSED, "cannot create the MQTT client: " + e.getMessage(), e);
    }
    PahoV5Link link = new PahoV5Link(client);
    client.setManualAcks(true);
    client.setCallback(new MqttCallback() {
      @Override
      public void disconnected(MqttDisconnectResponse response) {
        listener.connectionLost(link, response.getException() != null ? response.getException()
            : new java.io.IOException("the broker disconnected: " + response));
      }

      @Override
      public void mqttErrorOccurred(MqttException exception) {
        log.warn("MQTT protocol error reported by the client: {}", exception.toString());
      }

      @Override
      public void messageArrived(String topic, MqttMessage m) throws InterruptedException {
        listener.messageArrived(new InboundMessage(topic, m.getPayload(), m.getQos(), m.isRetained(), m.isDuplicate(), m.getId(),
            userProperties(m.getProperties()), link));
      }

      @Override
      public void deliveryComplete(IMqttToken token) {
        // The bridge never publishes to MQTT.
      }

      @Override
      public void connectComplete(boolean reconnect, String serverURI) {
        // The owner learns of the connection when connect() returns.
      }

      @Override
      public void authPacketArrived(int reasonCode, MqttProperties properties) {
        // Enhanced authentication is not used.
      }
    });
    MqttConnectionOptions o = new MqttConnectionOptions();
    o.setCleanStart(false);
    o.setSessionExpiryInterval(s.sessionExpiry() == null ? NEVER_EXPIRES : Math.min(NEVER_EXPIRES - 1, s.sessionExpiry().toSeconds()));
    o.setReceiveMaximum(s.receiveMaximum());
    o.setAutomaticReconnect(false);
    o.setKeepAliveInterval((int) s.keepAlive().toSeconds());
    o.setConnectionTimeout((int) s.connectTimeout().toSeconds());
    if (s.username() != null) {
      o.setUserName(s.username());
    }
    if (s.password() != null) {
      java.nio.ByteBuffer bytes = StandardCharsets.UTF_8.encode(java.nio.CharBuffer.wrap(s.password().chars()));
      byte[] password = new byte[bytes.remaining()];
      bytes.get(password);
      o.setPassword(password);
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

  private static List<Map.Entry<String, String>> userProperties(MqttProperties properties) {
    if (properties == null || properties.getUserProperties() == null || properties.getUserProperties().isEmpty()) {
      return List.of();
    }
    List<Map.Entry<String, String>> out = new ArrayList<>(properties.getUserProperties().size());
    for (UserProperty p : properties.getUserProperties()) {
      out.add(Map.entry(p.getKey(), p.getValue()));
    }
    return out;
  }

  @Override
  public String protocol() {
    return "5";
  }

  @Override
  public int[] subscribe(List<Subscription> subscriptions, Duration timeout) throws LinkException {
    MqttSubscription[] subs = subscriptions.stream().map(s -> new MqttSubscription(s.filter(), s.qos()))
        .toArray(MqttSubscription[]::new);
    try {
      IMqttToken token = client.subscribe(subs);
      token.waitForCompletion(timeout.toMillis());
      return token.getReasonCodes();
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
      client.close(true);
    } catch (MqttException e) {
      log.debug("Closing the MQTT client: {}", e.getMessage());
    }
  }
}
