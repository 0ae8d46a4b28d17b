package io.vigil.bridge.internal;

import io.vigil.schemas.KafkaHeaders;
import io.vigil.schemas.ParseResult;
import io.vigil.schemas.Rejection;
import io.vigil.schemas.TelemetryParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.eclipse.paho.client.mqttv3.MqttMessage;

/**
 * Builds the Kafka record for one MQTT message: accepted telemetry goes to the telemetry topic keyed
 * by device id (so each device stays in order on one partition); refused messages go to the
 * dead-letter topic with the reason in headers. The payload travels untouched either way.
 */
public final class RecordFactory {
  private final TelemetryParser parser;
  private final String telemetryTopic;
  private final String deadLetterTopic;
  private final String instanceId;

  public RecordFactory(TelemetryParser parser, String telemetryTopic, String deadLetterTopic, String instanceId) {
    this.parser = parser;
    this.telemetryTopic = telemetryTopic;
    this.deadLetterTopic = deadLetterTopic;
    this.instanceId = instanceId;
  }

  /** The record and, when refused, the rejection. */
  public record Routed(ProducerRecord<byte[], byte[]> record, Rejection rejection) {}

  public Routed route(String mqttTopic, MqttMessage message, long arrivalMillis) {
    byte[] payload = message.getPayload();
    ParseResult result = parser.parse(mqttTopic, payload, arrivalMillis);
    List<Header> headers = mqttHeaders(mqttTopic, message, arrivalMillis, instanceId);
    byte[] key = result.deviceId().map(d -> d.getBytes(StandardCharsets.UTF_8)).orElse(null);
    if (result.isAccepted()) {
      return new Routed(new ProducerRecord<>(telemetryTopic, null, arrivalMillis, key, payload, headers), null);
    }
    Rejection rejection = result.rejection().orElseThrow();
    header(headers, KafkaHeaders.REJECT_REASON, rejection.reason().name());
    if (rejection.field() != null) {
      header(headers, KafkaHeaders.REJECT_FIELD, rejection.field());
    }
    header(headers, KafkaHeaders.REJECT_MESSAGE, rejection.message());
    return new Routed(new ProducerRecord<>(deadLetterTopic, null, arrivalMillis, key, payload, headers), rejection);
  }

  /** The MQTT metadata every bridged record carries, telemetry or device status alike. */
  static List<Header> mqttHeaders(String mqttTopic, MqttMessage message, long arrivalMillis, String instanceId) {
    List<Header> headers = new ArrayList<>(10);
    header(headers, KafkaHeaders.MQTT_TOPIC, mqttTopic);
    header(headers, KafkaHeaders.MQTT_QOS, Integer.toString(message.getQos()));
    header(headers, KafkaHeaders.MQTT_RETAIN, Boolean.toString(message.isRetained()));
    header(headers, KafkaHeaders.MQTT_DUP, Boolean.toString(message.isDuplicate()));
    header(headers, KafkaHeaders.MQTT_MESSAGE_ID, Integer.toString(message.getId()));
    header(headers, KafkaHeaders.ARRIVAL_MILLIS, Long.toString(arrivalMillis));
    header(headers, KafkaHeaders.BRIDGE_INSTANCE, instanceId);
    return headers;
  }

  private static void header(List<Header> headers, String name, String value) {
    headers.add(new RecordHeader(name, value.getBytes(StandardCharsets.UTF_8)));
  }
}
