package io.vigil.schemas;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * One reading of one metric: the narrow shape every table after bronze uses.
 *
 * @param messageId the device's own message id or sequence number, or null when it sends none
 */
public record Measurement(String deviceId, String metric, long eventTimeMillis, double value, String messageId)
    implements Serializable {

  /**
   * A deterministic id for deduplication: the same reading delivered twice (an MQTT redelivery, a
   * bridge retry, a device resend) gets the same id. With a message id, device + metric + message id
   * + event time; without one, a content hash of device + metric + event time + value.
   */
  public String measurementId() {
    String key = messageId != null
        ? "m|" + deviceId + '|' + metric + '|' + messageId + '|' + eventTimeMillis
        : "c|" + deviceId + '|' + metric + '|' + eventTimeMillis + '|' + Double.doubleToLongBits(value);
    return UUID.nameUUIDFromBytes(key.getBytes(StandardCharsets.UTF_8)).toString();
  }
}
