package io.vigil.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.cli.internal.StreamBenchmark.GapLatency;
import io.vigil.cli.internal.StreamBenchmark.Progress;
import io.vigil.cli.internal.StreamBenchmark.Result;
import io.vigil.cli.internal.StreamBenchmark.Throughput;
import io.vigil.schemas.KafkaHeaders;
import io.vigil.schemas.Measurement;
import io.vigil.schemas.ParseResult;
import io.vigil.streaming.StreamingJobConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StreamBenchmarkTest {
  private static final Map<Integer, Long> END = Map.of(0, 100L, 1, 50L);

  @Test
  void preloadedRecordsAreWhatTheBridgeWritesAndParseToOneMeasurement() {
    StreamingJobConfig config = StreamingJobConfig.defaults();
    StreamBenchmark.Readings readings = new StreamBenchmark.Readings("t", new String[] {"dev-00001", "dev-00002"},
        config.parserOptions().topicLayout());
    long ts = 1_795_000_000_000L;
    ProducerRecord<byte[], byte[]> r = readings.record(1, 42, ts);

    assertThat(new String(r.key(), StandardCharsets.UTF_8)).isEqualTo("dev-00002");
    assertThat(r.timestamp()).isEqualTo(ts);
    String mqttTopic = header(r, KafkaHeaders.MQTT_TOPIC);
    assertThat(mqttTopic).isEqualTo("devices/dev-00002/telemetry");
    assertThat(header(r, KafkaHeaders.ARRIVAL_MILLIS)).isEqualTo(Long.toString(ts));
    ParseResult parsed = config.parser().parse(mqttTopic, r.value(), ts);
    assertThat(parsed.isAccepted()).as("%s", parsed.rejection()).isTrue();
    assertThat(parsed.measurements()).singleElement().satisfies(m -> {
      assertThat(m.deviceId()).isEqualTo("dev-00002");
      assertThat(m.eventTimeMillis()).isEqualTo(ts);
      assertThat(m.messageId()).isEqualTo("42");
    });
    Measurement other = config.parser().parse(mqttTopic, readings.record(1, 43, ts + 1000).value(), ts + 1000)
        .measurements().get(0);
    assertThat(other.measurementId()).as("distinct ids, so deduplication keeps every reading")
        .isNotEqualTo(parsed.measurements().get(0).measurementId());
  }

  @ParameterizedTest(name = "{0} covers the end: {1}")
  @CsvSource(delimiter = '|', value = {
      "{\"bench\":{\"0\":100,\"1\":50}} | true",
      "{\"bench\":{\"1\":50,\"0\":120}} | true",
      "{\"bench\":{\"0\":100,\"1\":49}} | false",
      "{\"bench\":{\"0\":100}}          | false",
      "{\"other\":{\"0\":100,\"1\":50}} | false",
      "not json                         | false",
  })
  void kafkaOffsetsCoverTheEndOnlyWhenEveryPartitionIsThere(String json, boolean covers) {
    assertThat(StreamBenchmark.covers(json, "bench", END)).isEqualTo(covers);
  }

  @Test
  void eachKafkaQueryIsDoneWithTheBatchThatReachedTheEndAndOtherQueriesOnceIdleAfterThat() {
    Map<String, Map<String, Progress>> seen = new LinkedHashMap<>();
    seen.put("tables", progress(
        new Progress(1_000, 500, 100, "{\"bench\":{\"0\":60,\"1\":40}}"),
        new Progress(2_000, 700, 50, "{\"bench\":{\"0\":100,\"1\":50}}"),
        new Progress(3_000, 10, 0, "{\"bench\":{\"0\":100,\"1\":50}}")));
    seen.put("gold", progress(new Progress(2_500, 300, 10, null)));
    seen.put("device-watch", progress(new Progress(1_200, 900, 150, "{\"bench\":{\"0\":100,\"1\":50}}")));

    assertThat(StreamBenchmark.doneAt(seen, "bench", END)).as("gold has not been idle since the Kafka queries finished")
        .containsOnlyKeys("tables", "device-watch").containsEntry("tables", 2_700L).containsEntry("device-watch", 2_100L);

    seen.get("gold").put("b", new Progress(2_800, 400, 5, null));
    seen.get("gold").put("c", new Progress(4_000, 5, 0, null));
    assertThat(StreamBenchmark.doneAt(seen, "bench", END)).containsExactly(
        Map.entry("tables", 2_700L), Map.entry("gold", 3_200L), Map.entry("device-watch", 2_100L));
  }

  @Test
  void nothingIsDoneWhileAKafkaQueryLags() {
    Map<String, Map<String, Progress>> seen = new LinkedHashMap<>();
    seen.put("tables", progress(new Progress(1_000, 500, 100, "{\"bench\":{\"0\":99,\"1\":50}}")));
    seen.put("gold", progress(new Progress(2_000, 5, 0, null)));
    assertThat(StreamBenchmark.doneAt(seen, "bench", END)).isEmpty();
  }

  @ParameterizedTest(name = "gap factor {0}, min gap {1}: threshold {2} ms")
  @CsvSource({"3, 10s, 10000", "20, 10s, 20000", "2.5, 1s, 2500"})
  void gapThresholdOfAOneSecondDeviceRespectsTheMinimumGap(double factor, String minGap, long expectedMs) {
    StreamingJobConfig config = StreamingJobConfig.load(null, List.of(
        StreamingJobConfig.WATCH_GAP_FACTOR + "=" + factor, StreamingJobConfig.WATCH_MIN_GAP + "=" + minGap));
    assertThat(StreamBenchmark.gapThreshold(config, Duration.ofSeconds(1))).isEqualTo(Duration.ofMillis(expectedMs));
  }

  @Test
  void theRatioIsToTheFasterCeilingRunWhicheverCameFirst() {
    Throughput slowRun = new Throughput("ceiling (Kafka -> noop)", 2_000_000, 20, 20);
    Throughput fastRun = new Throughput("ceiling (Kafka -> noop) #2", 2_000_000, 12.5, 19);
    assertThat(StreamBenchmark.fastest(List.of(slowRun, fastRun))).isSameAs(fastRun);
    assertThat(StreamBenchmark.fastest(List.of(fastRun, slowRun))).isSameAs(fastRun);
    Result r = new Result(2_000_000, StreamBenchmark.fastest(List.of(slowRun, fastRun)), null,
        new Throughput("full", 2_000_000, 50, 100), Map.of(), null);
    assertThat(r.ratio()).isEqualTo(0.25); // 0.4 against the slow run
  }

  @Test
  void summaryStatesRatioAndLatencyAgainstTheirGoals() {
    GapLatency fast = new GapLatency(Duration.ofMillis(14_200), Duration.ofSeconds(10), Duration.ofSeconds(5), 10_000);
    Result met = new Result(2_000_000, new Throughput("ceiling", 2_000_000, 10, 20), null,
        new Throughput("full", 2_000_000, 16, 80), Map.of(), fast);
    assertThat(met.ratio()).isEqualTo(0.625);
    assertThat(StreamBenchmark.summary(met)).containsExactly(
        "Full job / ceiling: 0.63 (goal >= 0.5): goal met",
        "GAP latency: 14.2 s from the probe's last reading to its GAP on Kafka (bound threshold 10.0 s + 2 x trigger 5.0 s"
            + " = 20.0 s; the event names threshold 10.0 s): goal met",
        "CPU per reading, full job / ceiling: 4.0x (40.0 vs 10.0 ms per 1,000 readings)");

    GapLatency slow = new GapLatency(Duration.ofMillis(20_001), Duration.ofSeconds(10), Duration.ofSeconds(5), -1);
    Result notMet = new Result(2_000_000, new Throughput("ceiling", 2_000_000, 10, 20),
        new Throughput("landing", 2_000_000, 40, 60), new Throughput("full", 2_000_000, 25, 90), Map.of(), slow);
    assertThat(StreamBenchmark.summary(notMet)).containsExactly(
        "Full job / ceiling: 0.40 (goal >= 0.5): goal NOT met",
        "GAP latency: 20.0 s from the probe's last reading to its GAP on Kafka (bound threshold 10.0 s + 2 x trigger 5.0 s"
            + " = 20.0 s): goal NOT met",
        "CPU per reading, full job / ceiling: 4.5x (45.0 vs 10.0 ms per 1,000 readings)",
        "Kafka -> Delta alone / ceiling: 0.25 (30.0 ms per 1,000 readings): every record written once to one Delta table,"
            + " none of the job's other work");

    Result noGap = new Result(1, met.ceiling(), null, met.full(), Map.of(),
        new GapLatency(null, Duration.ofSeconds(10), Duration.ofSeconds(5), -1));
    assertThat(StreamBenchmark.summary(noGap).get(1)).contains("no GAP event").endsWith("goal NOT met");
  }

  private static Map<String, Progress> progress(Progress... ps) {
    Map<String, Progress> m = new LinkedHashMap<>();
    for (int i = 0; i < ps.length; i++) {
      m.put("p" + i, ps[i]);
    }
    return m;
  }

  private static String header(ProducerRecord<byte[], byte[]> r, String name) {
    return new String(r.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
  }
}
