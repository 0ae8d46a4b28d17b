package io.vigil.streaming;

import static org.apache.spark.sql.types.DataTypes.BinaryType;
import static org.apache.spark.sql.types.DataTypes.IntegerType;
import static org.apache.spark.sql.types.DataTypes.LongType;
import static org.apache.spark.sql.types.DataTypes.StringType;
import static org.apache.spark.sql.types.DataTypes.TimestampType;

import io.vigil.schemas.KafkaHeaders;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Rows shaped like Spark's Kafka source output (with includeHeaders), as the bridge writes them. */
final class KafkaRows {
  static final StructType SCHEMA = new StructType()
      .add("key", BinaryType)
      .add("value", BinaryType)
      .add("topic", StringType)
      .add("partition", IntegerType)
      .add("offset", LongType)
      .add("timestamp", TimestampType)
      .add("timestampType", IntegerType)
      .add("headers", DataTypes.createArrayType(new StructType().add("key", StringType).add("value", BinaryType)));

  private final List<Row> rows = new ArrayList<>();
  private long nextOffset;

  KafkaRows startingAt(long offset) {
    nextOffset = offset;
    return this;
  }

  /** A record the bridge forwarded from MQTT topic devices/{device}/telemetry. */
  KafkaRows add(String device, String payload, long arrivalMs) {
    return add(device, "devices/" + device + "/telemetry", payload == null ? null : payload.getBytes(StandardCharsets.UTF_8), arrivalMs);
  }

  KafkaRows add(String device, String mqttTopic, byte[] payload, long arrivalMs) {
    return add(device, mqttTopic, payload, arrivalMs, java.util.Map.of());
  }

  /** A record that came through the bridge route {@code route} (header vigil.bridge.route). */
  KafkaRows viaRoute(String route, String mqttTopic, String payload, long arrivalMs) {
    return add(null, mqttTopic, payload.getBytes(StandardCharsets.UTF_8), arrivalMs, java.util.Map.of(KafkaHeaders.BRIDGE_ROUTE, route));
  }

  KafkaRows add(String device, String mqttTopic, byte[] payload, long arrivalMs, java.util.Map<String, String> moreHeaders) {
    List<Row> headers = new ArrayList<>();
    moreHeaders.forEach((k, v) -> headers.add(RowFactory.create(k, v.getBytes(StandardCharsets.UTF_8))));
    if (mqttTopic != null) {
      headers.add(RowFactory.create(KafkaHeaders.MQTT_TOPIC, mqttTopic.getBytes(StandardCharsets.UTF_8)));
    }
    headers.add(RowFactory.create(KafkaHeaders.ARRIVAL_MILLIS, Long.toString(arrivalMs).getBytes(StandardCharsets.UTF_8)));
    rows.add(RowFactory.create(device == null ? null : device.getBytes(StandardCharsets.UTF_8), payload,
        "vigil.telemetry", 0, nextOffset++, new Timestamp(arrivalMs), 0,
        scala.collection.JavaConverters.asScalaBuffer(headers).toSeq()));
    return this;
  }

  List<Row> rows() {
    return List.copyOf(rows);
  }
}
