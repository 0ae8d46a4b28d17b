package io.vigil.testsupport;

import static org.awaitility.Awaitility.await;

import io.vigil.stack.KafkaBroker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Kafka 4.1 broker (KRaft, own JVM) on free loopback ports in a temp directory, started
 * before all tests of the class and stopped (process gone, directory deleted) after them:
 *
 * <pre>{@code @RegisterExtension static final KafkaServerExtension kafka = new KafkaServerExtension();}</pre>
 *
 * {@link #stop()} and {@link #start()} in a test keep the same port and data.
 */
public final class KafkaServerExtension implements BeforeAllCallback, AfterAllCallback {
  private Path dir;
  private KafkaBroker broker;

  @Override
  public void beforeAll(ExtensionContext context) {
    dir = TempDirs.create("vigil-kafka-");
    List<Integer> ports = FreePorts.next(2);
    broker = new KafkaBroker(dir, ports.get(0), ports.get(1));
    ServerCleanup.register(broker);
    broker.start();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    try {
      if (broker != null) {
        broker.stop();
        ServerCleanup.unregister(broker);
      }
    } finally {
      TempDirs.deleteRecursively(dir);
    }
  }

  private KafkaBroker started() {
    if (broker == null) {
      throw new IllegalStateException("KafkaServerExtension is not started: register it as a static @RegisterExtension field");
    }
    return broker;
  }

  public String bootstrapServers() {
    return started().bootstrapServers();
  }

  /** The underlying broker (pid, log file, data dir). */
  public KafkaBroker broker() {
    return started();
  }

  public void createTopic(String name, int partitions) {
    started().createTopic(name, partitions);
  }

  /** Stops the broker (SIGTERM, controlled shutdown). Port and data are kept for {@link #start()}. */
  public void stop() {
    started().stop();
  }

  /** Starts it again on the same port and data directory and waits until it is ready. */
  public void start() {
    started().start();
  }

  public boolean isRunning() {
    return started().isRunning();
  }

  public Admin admin() {
    return Admin.create(started().adminProperties(Duration.ofSeconds(10)));
  }

  /** Producer settings: acks=all, idempotent, small linger; override by putting keys. */
  public Properties producerProperties() {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    p.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return p;
  }

  /** Consumer settings: a fresh group, reading from the earliest offset, no auto commit. */
  public Properties consumerProperties() {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "vigil-test-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    return p;
  }

  public KafkaProducer<byte[], byte[]> producer() {
    return new KafkaProducer<>(producerProperties());
  }

  public KafkaConsumer<byte[], byte[]> consumer() {
    return new KafkaConsumer<>(consumerProperties());
  }

  /**
   * Reads the topic from the beginning (all partitions, no consumer group) until at least
   * {@code expectedCount} records arrived; fails after {@code timeout}. Returns every record read.
   */
  public List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int expectedCount, Duration timeout) {
    return awaitRecords(topic, records -> records.size() >= expectedCount, timeout);
  }

  /**
   * Reads the topic from the beginning until {@code condition} holds for all records read so far;
   * fails after {@code timeout}. Returns the records read.
   */
  public List<ConsumerRecord<byte[], byte[]>> awaitRecords(String topic,
      Predicate<List<ConsumerRecord<byte[], byte[]>>> condition, Duration timeout) {
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
      await("records on " + topic).atMost(timeout).pollInSameThread().pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(10))
          .until(() -> {
            if (consumer.assignment().isEmpty()) {
              List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(5)).stream()
                  .map(pi -> new TopicPartition(topic, pi.partition())).collect(Collectors.toList());
              if (partitions.isEmpty()) {
                return false;
              }
              consumer.assign(partitions);
              consumer.seekToBeginning(partitions);
            }
            consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            return condition.test(records);
          });
    }
    return records;
  }

  /** Partition count per topic, as the broker reports it. */
  public Map<String, Integer> partitionCounts(List<String> topics) {
    try (Admin admin = admin()) {
      return admin.describeTopics(topics).allTopicNames().get().entrySet().stream()
          .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().partitions().size()));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }
}
