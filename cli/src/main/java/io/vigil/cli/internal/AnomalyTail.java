package io.vigil.cli.internal;

import io.vigil.common.VigilErrors;
import io.vigil.schemas.AnomalyEvent;
import io.vigil.schemas.AnomalyEventJson;
import java.io.PrintWriter;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the anomalies topic and prints each event that passes the filter. It joins no consumer
 * group and commits nothing: watching the topic must not move anyone's offsets or trigger a
 * rebalance of a real consumer group.
 */
public final class AnomalyTail {
  /** Where to start reading: the end (new events only), the beginning, or the first record at or after now minus since. */
  public record Start(boolean fromBeginning, Duration since) {
    public static Start end() {
      return new Start(false, null);
    }
  }

  public record Settings(String bootstrapServers, String topic, AnomalyFilter filter, Start start, boolean json,
      long max, boolean exitAtEnd, Duration connectTimeout) {}

  /** What a run saw; malformed records are counted, never dropped silently. */
  public record Counts(long shown, long filteredOut, long malformed) {}

  private static final Duration POLL = Duration.ofMillis(500);

  private final Settings settings;
  private final Clock clock;
  private final AtomicBoolean stopping = new AtomicBoolean();
  private final CountDownLatch finished = new CountDownLatch(1);
  private volatile KafkaConsumer<byte[], byte[]> consumer;

  public AnomalyTail(Settings settings, Clock clock) {
    this.settings = settings;
    this.clock = clock;
  }

  /** Reads until --max events are shown, the end is reached with exitAtEnd, or {@link #stop()}. */
  public Counts run(PrintWriter out, PrintWriter err) {
    long shown = 0;
    long filteredOut = 0;
    long malformed = 0;
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(consumerProperties())) {
      consumer = c;
      if (stopping.get()) {
        return new Counts(0, 0, 0);
      }
      List<TopicPartition> partitions = partitions(c);
      c.assign(partitions);
      seek(c, partitions);
      Map<TopicPartition, Long> endAtStart = settings.exitAtEnd() ? c.endOffsets(partitions, settings.connectTimeout()) : Map.of();
      while (!stopping.get() && (settings.max() <= 0 || shown < settings.max())) {
        if (settings.exitAtEnd() && caughtUp(c, endAtStart)) {
          break;
        }
        for (ConsumerRecord<byte[], byte[]> r : c.poll(POLL)) {
          if (settings.max() > 0 && shown >= settings.max()) {
            break;
          }
          AnomalyEvent event;
          String jsonLine = null;
          try {
            if (r.value() == null) {
              throw new IllegalArgumentException("empty record (null value)");
            }
            event = AnomalyEventJson.fromBytes(r.value());
            if (settings.json()) {
              jsonLine = AnomalyLines.json(r.value());
            }
          } catch (IllegalArgumentException e) {
            malformed++;
            err.println(AnomalyLines.malformed(r.topic(), r.partition(), r.offset(), e.getMessage()));
            err.flush();
            continue;
          }
          if (!settings.filter().matches(event)) {
            filteredOut++;
            continue;
          }
          out.println(settings.json() ? jsonLine : AnomalyLines.readable(event));
          out.flush();
          shown++;
        }
      }
    } catch (WakeupException stoppedWhilePolling) {
      // stop() woke the consumer: a normal end.
    } catch (org.apache.kafka.common.errors.TimeoutException e) {
      throw VigilErrors.kafkaUnreachable(settings.bootstrapServers(), "--bootstrap", e);
    } finally {
      consumer = null;
      finished.countDown();
    }
    return new Counts(shown, filteredOut, malformed);
  }

  /** Ends a run from another thread (Ctrl-C), and waits briefly for it to close the consumer. */
  public void stop() {
    stopping.set(true);
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
    try {
      finished.await(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Properties consumerProperties() {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, "false");
    p.put(ConsumerConfig.CLIENT_ID_CONFIG, "vigil-anomalies-cli");
    p.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, Long.toString(settings.connectTimeout().toMillis()));
    return p;
  }

  private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> c) {
    List<PartitionInfo> infos = c.partitionsFor(settings.topic(), settings.connectTimeout());
    if (infos == null || infos.isEmpty()) {
      throw VigilErrors.topicNotFound(settings.topic(), settings.bootstrapServers(), "--topic");
    }
    List<TopicPartition> out = new ArrayList<>();
    infos.forEach(i -> out.add(new TopicPartition(i.topic(), i.partition())));
    return out;
  }

  private void seek(KafkaConsumer<byte[], byte[]> c, List<TopicPartition> partitions) {
    Start start = settings.start();
    if (start.fromBeginning()) {
      c.seekToBeginning(partitions);
    } else if (start.since() != null) {
      long from = clock.instant().minus(start.since()).toEpochMilli();
      Map<TopicPartition, Long> query = new HashMap<>();
      partitions.forEach(tp -> query.put(tp, from));
      Map<TopicPartition, OffsetAndTimestamp> found = c.offsetsForTimes(query, settings.connectTimeout());
      Map<TopicPartition, Long> ends = c.endOffsets(partitions, settings.connectTimeout());
      for (TopicPartition tp : partitions) {
        OffsetAndTimestamp o = found.get(tp);
        // No record that recent in this partition: start at its end.
        c.seek(tp, o != null ? o.offset() : ends.get(tp));
      }
    } else {
      c.seekToEnd(partitions);
    }
    // Resolve the lazy seeks now, so events published right after this returns are not skipped.
    partitions.forEach(c::position);
  }

  private static boolean caughtUp(KafkaConsumer<byte[], byte[]> c, Map<TopicPartition, Long> end) {
    return end.entrySet().stream().allMatch(e -> c.position(e.getKey()) >= e.getValue());
  }
}
