package io.vigil.bridge.internal;

import java.util.List;
import java.util.Map;

/**
 * One MQTT message as the bridge sees it, whatever the protocol version, with the connection it
 * arrived on: its acknowledgement may only go back on that same connection.
 *
 * @param userProperties MQTT 5 user properties, in order; empty for MQTT 3.1.1
 */
public record InboundMessage(String topic, byte[] payload, int qos, boolean retained, boolean duplicate, int id,
    List<Map.Entry<String, String>> userProperties, MqttLink link) {

  public InboundMessage {
    userProperties = List.copyOf(userProperties);
  }

  /** Sends this message's PUBACK (or PUBCOMP) on the connection it came in on, if that is still up. */
  public void acknowledge() {
    link.acknowledge(id, qos);
  }
}
