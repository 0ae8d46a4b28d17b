package io.vigil.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class KafkaServerExtensionIT {
  @RegisterExtension static final KafkaServerExtension kafka = new KafkaServerExtension();

  private static final Duration TIMEOUT = Duration.ofSeconds(60);

  @Test
  void producedRecordsAreConsumedInOrderPerKey() throws Exception {
    kafka.createTopic("round-trip", 3);
    send("round-trip", 0, 200);

    List<ConsumerRecord<byte[], byte[]>> records = kafka.readAll("round-trip", 200, TIMEOUT);

    assertThat(values(records)).hasSize(200).containsExactlyInAnyOrderElementsOf(expected(0, 200));
    assertThat(kafka.partitionCounts(List.of("round-trip"))).containsEntry("round-trip", 3);
  }

  @Test
  void stopAndStartKeepPortAndData() throws Exception {
    kafka.createTopic("survives-restart", 2);
    send("survives-restart", 0, 50);
    String bootstrap = kafka.bootstrapServers();
    long pidBefore = kafka.broker().pid().orElseThrow();

    kafka.stop();
    assertThat(kafka.isRunning()).isFalse();
    assertThat(ProcessHandle.of(pidBefore).map(ProcessHandle::isAlive).orElse(false)).isFalse();

    kafka.start();
    assertThat(kafka.bootstrapServers()).isEqualTo(bootstrap);
    send("survives-restart", 50, 100);

    List<ConsumerRecord<byte[], byte[]>> records = kafka.readAll("survives-restart", 100, TIMEOUT);
    assertThat(values(records)).containsExactlyInAnyOrderElementsOf(expected(0, 100));
  }

  @Test
  void awaitRecordsWaitsForAMatchingRecord() throws Exception {
    kafka.createTopic("await", 1);
    send("await", 0, 10);

    List<ConsumerRecord<byte[], byte[]>> records = kafka.awaitRecords("await",
        rs -> values(rs).contains("v-9"), TIMEOUT);

    assertThat(values(records)).containsExactlyElementsOf(expected(0, 10)); // one partition: in order
  }

  private static void send(String topic, int from, int to) throws Exception {
    try (KafkaProducer<byte[], byte[]> producer = kafka.producer()) {
      for (int i = from; i < to; i++) {
        producer.send(new ProducerRecord<>(topic, ("k-" + (i % 7)).getBytes(StandardCharsets.UTF_8),
            ("v-" + i).getBytes(StandardCharsets.UTF_8))).get();
      }
    }
  }

  private static List<String> values(List<ConsumerRecord<byte[], byte[]>> records) {
    return records.stream().map(r -> new String(r.value(), StandardCharsets.UTF_8)).collect(Collectors.toList());
  }

  private static List<String> expected(int from, int to) {
    return IntStream.range(from, to).mapToObj(i -> "v-" + i).collect(Collectors.toList());
  }
}
