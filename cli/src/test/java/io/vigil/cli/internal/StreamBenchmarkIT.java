package io.vigil.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vigil.cli.internal.StreamBenchmark.Result;
import io.vigil.cli.internal.StreamBenchmark.Settings;
import io.vigil.cli.internal.StreamBenchmark.Throughput;
import io.vigil.streaming.StreamingJobConfig;
import io.vigil.testsupport.KafkaServerExtension;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vigil bench stream} end to end on a small backlog and a real broker: the speed
 * figures come from this command, so CI checks that every contender works the whole backlog off, the
 * ratio is to the faster ceiling run, the probe's GAP arrives, and the bench leaves nothing behind.
 */
class StreamBenchmarkIT {
  @RegisterExtension static final KafkaServerExtension kafka = new KafkaServerExtension();

  private static final long READINGS = 20_000;
  private static final Pattern CEILING_LINE =
      Pattern.compile("ceiling \\(Kafka -> noop\\)(?: #\\d)?\\s+[\\d,]+ readings in\\s+[\\d.]+ s =\\s+([\\d,]+) readings/s");

  @Test
  void everyContenderWorksOffTheBacklogAndTheProbeGetsItsGap(@TempDir Path work) throws Exception {
    Set<String> topicsBefore = topics();
    ByteArrayOutputStream printed = new ByteArrayOutputStream();
    // Short probe and gap so the run stays short; 8 one-second readings are enough to learn the cadence.
    Settings settings = new Settings(kafka.bootstrapServers(), READINGS, 50, 2, 500, Duration.ofSeconds(8),
        Duration.ofMinutes(5), List.of(StreamingJobConfig.TRIGGER_INTERVAL + "=2s", StreamingJobConfig.WATCH_MIN_GAP + "=5s"),
        work);

    Result result = new StreamBenchmark(settings, new PrintStream(printed, true, StandardCharsets.UTF_8)).run();
    String out = printed.toString(StandardCharsets.UTF_8);

    for (Throughput t : List.of(result.ceiling(), result.landing(), result.full())) {
      assertThat(t.readings()).as(t.name()).isEqualTo(READINGS);
      assertThat(t.seconds()).as(t.name()).isPositive();
      assertThat(t.cpuSeconds()).as(t.name()).isPositive();
    }
    assertThat(result.full().name()).isEqualTo("full job (tables, gold, device-watch)");
    assertThat(result.querySeconds()).containsOnlyKeys("tables", "gold", "device-watch");

    List<Double> ceilingRuns = ceilingRates(out);
    assertThat(ceilingRuns).as(out).hasSize(StreamBenchmark.CEILING_RUNS);
    assertThat(Math.round(result.ceiling().perSecond()))
        .isEqualTo(Math.round(ceilingRuns.stream().mapToDouble(Double::doubleValue).max().orElseThrow()));

    assertThat(result.gap().measured()).as("the probe device's GAP on the anomalies topic\n%s", out).isNotNull();
    assertThat(result.gap().reportedThresholdMs()).isEqualTo(result.gap().threshold().toMillis());
    // Its last reading cannot be judged silent before the threshold has passed.
    assertThat(result.gap().measured()).isGreaterThanOrEqualTo(result.gap().threshold());
    assertThat(StreamBenchmark.summary(result)).hasSize(4);

    // Deleted topics leave the broker's metadata a moment after the controller has acknowledged it.
    await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
        assertThat(topics()).as("the bench deletes its topics").isEqualTo(topicsBefore));
    try (Stream<Path> left = Files.list(work)) {
      assertThat(left.filter(p -> p.getFileName().toString().startsWith("stream-")))
          .as("the bench deletes its tables and checkpoints").isEmpty();
    }
  }

  private static Set<String> topics() throws Exception {
    try (Admin admin = kafka.admin()) {
      return admin.listTopics().names().get();
    }
  }

  /** readings/s of each measured ceiling run, as printed (the warm-up's run is not printed). */
  private static List<Double> ceilingRates(String out) {
    Matcher m = CEILING_LINE.matcher(out);
    List<Double> rates = new ArrayList<>();
    while (m.find()) {
      rates.add(Double.parseDouble(m.group(1).replace(",", "")));
    }
    return rates;
  }
}
