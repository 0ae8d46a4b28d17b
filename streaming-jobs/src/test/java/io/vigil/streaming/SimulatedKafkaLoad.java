package io.vigil.streaming;

import io.vigil.schemas.KafkaHeaders;
import io.vigil.schemas.Measurement;
import io.vigil.schemas.ParseResult;
import io.vigil.schemas.ParserOptions;
import io.vigil.schemas.TelemetryParser;
import io.vigil.simulator.FaultKind;
import io.vigil.simulator.FleetGenerator;
import io.vigil.simulator.SimulatedMessage;
import io.vigil.simulator.SimulatorConfig;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Simulator messages put on Kafka as the bridge would (key = device, MQTT topic and arrival time in
 * headers), with what the tables must end up holding: the unique measurement ids of accepted
 * messages, and how many messages the parser refuses.
 */
final class SimulatedKafkaLoad {
  final List<SimulatedMessage> messages;
  final Set<String> uniqueMeasurementIds = new HashSet<>();
  long rejected;
  long duplicatesInjected;

  SimulatedKafkaLoad(Map<String, String> simulatorSettings) {
    FleetGenerator generator = new FleetGenerator(new SimulatorConfig(simulatorSettings), Clock.systemUTC());
    messages = new ArrayList<>();
    generator.forEachRemaining(messages::add);
    TelemetryParser parser = new TelemetryParser(ParserOptions.defaults());
    for (SimulatedMessage m : messages) {
      ParseResult r = parser.parse(m.topic(), m.payload(), m.publishTime().toEpochMilli());
      if (r.isAccepted()) {
        r.measurements().stream().map(Measurement::measurementId).forEach(uniqueMeasurementIds::add);
      } else {
        rejected++;
      }
      if (m.faults().contains(FaultKind.DUPLICATE)) {
        duplicatesInjected++;
      }
    }
  }

  /** Sends messages [from, to) and waits for the broker's acks. */
  void send(KafkaProducer<byte[], byte[]> producer, String topic, int from, int to) {
    for (SimulatedMessage m : messages.subList(from, to)) {
      ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, m.deviceId().getBytes(StandardCharsets.UTF_8), m.payload());
      r.headers().add(KafkaHeaders.MQTT_TOPIC, m.topic().getBytes(StandardCharsets.UTF_8));
      r.headers().add(KafkaHeaders.ARRIVAL_MILLIS, Long.toString(m.publishTime().toEpochMilli()).getBytes(StandardCharsets.UTF_8));
      producer.send(r);
    }
    producer.flush();
  }
}
