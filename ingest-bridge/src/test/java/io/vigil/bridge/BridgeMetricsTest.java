package io.vigil.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class BridgeMetricsTest {
  /** A sample line of the 0.0.4 text format: name, optional labels, a value. */
  private static final Pattern SAMPLE = Pattern.compile(
      "[a-zA-Z_:][a-zA-Z0-9_:]*(\\{[a-zA-Z_][a-zA-Z0-9_]*=\"(\\\\.|[^\"\\\\])*\"(,[a-zA-Z_][a-zA-Z0-9_]*=\"(\\\\.|[^\"\\\\])*\")*\\})? "
          + "(NaN|[+-]Inf|-?[0-9.]+(E-?[0-9]+)?)");

  private static BridgeMetrics busy() {
    BridgeMetrics m = new BridgeMetrics(500, 1 << 20);
    for (int i = 0; i < 7; i++) {
      m.received.increment();
      m.admitted(100);
    }
    for (int i = 0; i < 4; i++) {
      m.produced.increment();
      m.acked.increment();
      m.released(100);
      m.kafkaLatency.observeMillis(20);
    }
    m.deadLettered.increment();
    m.rejected("INVALID_TIMESTAMP");
    assertThat(m.producedAs("zigbee2mqtt")).isTrue();
    assertThat(m.producedAs("zigbee2mqtt")).isFalse();
    assertThat(m.producedAs(null)).isFalse();
    m.producedAs("tasmota");
    m.producedOn("plugs");
    m.producedOn("plugs-rpc");
    m.producedOn("plugs-rpc");
    m.sendFailures.increment();
    m.reconnects.increment();
    m.mqttConnected = true;
    return m;
  }

  @Test
  void everyLineIsACommentOrAValidSampleAndEveryFamilyIsTypedOnceBeforeItsSamples() {
    String text = busy().prometheus();
    assertThat(text).endsWith("\n");
    Set<String> typed = new HashSet<>();
    List<String> bad = new ArrayList<>();
    for (String line : text.split("\n")) {
      if (line.startsWith("# TYPE ")) {
        String[] parts = line.split(" ");
        assertThat(typed.add(parts[2])).as("one TYPE line for " + parts[2]).isTrue();
        assertThat(parts[3]).isIn("counter", "gauge", "histogram", "summary");
      } else if (line.startsWith("# HELP ")) {
        continue;
      } else if (!SAMPLE.matcher(line).matches()) {
        bad.add(line);
      } else {
        String name = line.split("[{ ]")[0];
        String family = name.replaceAll("_(bucket|sum|count)$", "");
        assertThat(typed).as("TYPE before the sample " + line).containsAnyOf(name, family);
      }
    }
    assertThat(bad).as("lines that are not valid samples").isEmpty();
  }

  @Test
  void valuesMatchWhatTheBridgeCounted() {
    Map<String, Double> samples = PrometheusScrape.parse(busy().prometheus());
    assertThat(samples).containsEntry("vigil_bridge_messages_received_total", 7.0)
        .containsEntry("vigil_bridge_messages_produced_total", 4.0)
        .containsEntry("vigil_bridge_messages_acked_total", 4.0)
        .containsEntry("vigil_bridge_messages_dead_lettered_total{reason=\"INVALID_TIMESTAMP\"}", 1.0)
        .containsEntry("vigil_bridge_send_failures_total", 1.0)
        .containsEntry("vigil_bridge_mqtt_reconnects_total", 1.0)
        .containsEntry("vigil_bridge_mqtt_connected", 1.0)
        .containsEntry("vigil_bridge_inflight_messages", 3.0)
        .containsEntry("vigil_bridge_inflight_bytes", 300.0)
        .containsEntry("vigil_bridge_inflight_messages_peak", 7.0)
        .containsEntry("vigil_bridge_inflight_max_messages", 500.0)
        .containsEntry("vigil_bridge_kafka_latency_seconds_count", 4.0)
        .containsEntry("vigil_bridge_kafka_latency_seconds_bucket{le=\"0.025\"}", 4.0)
        .containsEntry("vigil_bridge_kafka_latency_seconds_bucket{le=\"0.01\"}", 0.0)
        .containsEntry("vigil_bridge_kafka_latency_recent_seconds{quantile=\"0.5\"}", 0.02)
        .containsEntry("vigil_bridge_kafka_latency_recent_seconds{quantile=\"0.99\"}", 0.02);
  }

  @Test
  void acceptedMessagesAreCountedByDialectAndByRoute() {
    BridgeMetrics m = busy();
    assertThat(m.producedByDialect()).containsExactly(Map.entry("tasmota", 1L), Map.entry("zigbee2mqtt", 2L));
    assertThat(m.prometheus()).contains("vigil_bridge_messages_by_dialect_total{dialect=\"zigbee2mqtt\"} 2");
    assertThat(m.producedByRoute()).containsExactly(Map.entry("plugs", 1L), Map.entry("plugs-rpc", 2L));
    assertThat(m.prometheus()).contains("vigil_bridge_messages_by_route_total{route=\"plugs-rpc\"} 2");
  }
}
