package io.vigil.bridge.internal;

import io.vigil.schemas.TopicLayout;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.eclipse.paho.client.mqttv3.MqttMessage;

/**
 * Device status messages (birth, last will, "online"/"offline"): recognised by the status filters
 * they were subscribed with, forwarded byte for byte to the status topic keyed by device id, with
 * the same MQTT headers as telemetry. They are never parsed as telemetry, so never dead-lettered.
 */
public final class StatusRouter {
  private final List<String> filters;
  private final TopicLayout layout;
  private final String statusTopic;
  private final String instanceId;

  public StatusRouter(List<String> filters, TopicLayout layout, String statusTopic, String instanceId) {
    this.filters = List.copyOf(filters);
    this.layout = layout;
    this.statusTopic = statusTopic;
    this.instanceId = instanceId;
  }

  /** Whether a message on {@code mqttTopic} came in through a status filter. */
  public boolean isStatus(String mqttTopic) {
    for (String f : filters) {
      if (TopicFilter.matches(f, mqttTopic)) {
        return true;
      }
    }
    return false;
  }

  /** The status record; its key is the device id, or null when the topic does not fit the layout. */
  public ProducerRecord<byte[], byte[]> record(String mqttTopic, MqttMessage message, long arrivalMillis) {
    byte[] key = layout.deviceIdOf(mqttTopic).map(d -> d.getBytes(StandardCharsets.UTF_8)).orElse(null);
    return new ProducerRecord<>(statusTopic, null, arrivalMillis, key, message.getPayload(),
        RecordFactory.mqttHeaders(mqttTopic, message, arrivalMillis, instanceId));
  }
}
