package io.vigil.bridge.internal;

import java.time.Duration;
import java.util.List;

/**
 * One connection to the MQTT broker. A new link is made for every (re)connect and is never reused,
 * so an acknowledgement can only reach the connection its message came in on: after a reconnect the
 * broker reuses packet ids, and a late PUBACK on the new connection could acknowledge a different
 * message that Kafka does not hold yet.
 */
public interface MqttLink {
  /** One topic filter and the maximum QoS asked for it. */
  record Subscription(String filter, int qos) {}

  /** What the link reports to its owner; both methods are called on the client library's threads. */
  interface Listener {
    /** May block to apply backpressure; the library then stops reading from the socket. */
    void messageArrived(InboundMessage message) throws InterruptedException;

    void connectionLost(MqttLink link, Throwable cause);
  }

  /** The protocol version this link speaks, as configured ("3.1.1" or "5"). */
  String protocol();

  /**
   * Subscribes and waits for the broker's answer. Returns the granted QoS (or reason code, 0x80 and
   * above meaning refused) per subscription, in order.
   */
  int[] subscribe(List<Subscription> subscriptions, Duration timeout) throws LinkException;

  /** Acknowledges a message of this link; does nothing once the link is down. */
  void acknowledge(int messageId, int qos);

  boolean isConnected();

  /**
   * Publishes one message without waiting for the broker (a Sparkplug B rebirth request, say); a
   * failure or a link that is down is logged, never thrown: nothing depends on its delivery.
   */
  void publish(String topic, byte[] payload, int qos);

  /** Disconnects cleanly (waiting up to {@code timeout}) and releases the client; quiet on failure. */
  void close(Duration timeout);

  /** A failed connect or subscribe, with what kind of failure it was. */
  final class LinkException extends Exception {
    private final ConnectFailures.Kind kind;

    public LinkException(ConnectFailures.Kind kind, String message, Throwable cause) {
      super(message, cause);
      this.kind = kind;
    }

    public ConnectFailures.Kind kind() {
      return kind;
    }
  }
}
