package io.vigil.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.schemas.ParserOptions;
import io.vigil.schemas.TelemetryParser;
import io.vigil.schemas.TopicLayout;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BridgeBenchmarkTest {
  @ParameterizedTest(name = "seq {0}, {2} bytes")
  @CsvSource({"0, 1795000000000, 200", "199999, 1795000012345, 200", "7, 1795000000001, 1000"})
  void benchmarkLoadIsValidTelemetryOfTheAskedSizeAndCarriesItsIdentity(int seq, long ts, int size) {
    byte[] payload = BridgeBenchmark.Payloads.reading(seq, ts, size);
    assertThat(payload.length).isBetween(size - 20, size + 20);
    assertThat(BridgeBenchmark.Payloads.seq(payload)).isEqualTo(seq);
    assertThat(BridgeBenchmark.Payloads.ts(payload)).isEqualTo(ts);
    TelemetryParser parser = new TelemetryParser(ParserOptions.defaults().withTopicLayout(TopicLayout.of("bench/x/{deviceId}/telemetry")));
    assertThat(parser.parse("bench/x/dev-1/telemetry", payload, ts).isAccepted()).isTrue();
  }

  @ParameterizedTest(name = "{0}")
  @org.junit.jupiter.params.provider.EnumSource(PayloadShape.class)
  void everyPayloadShapeIsAcceptedByItsPresetOnTheBenchTopicsAndCarriesItsSequence(PayloadShape shape) {
    long published = 1_795_000_012_345L;
    java.util.Map<String, String> raw = new java.util.HashMap<>(shape.parserSettings());
    raw.put(io.vigil.bridge.BridgeConfig.TOPIC_LAYOUT, shape.layout("bench/vigil-x"));
    TelemetryParser parser = new TelemetryParser(new io.vigil.bridge.BridgeConfig(raw).parserOptions());
    for (int seq : new int[] {0, 7, 199_999}) {
      byte[] payload = shape.reading(seq, published, 200);
      // The latency table is indexed by this: every shape must carry it where the reader looks.
      assertThat(BridgeBenchmark.Payloads.seq(payload)).isEqualTo(seq);
      io.vigil.schemas.ParseResult result = parser.parse(shape.topic("bench/vigil-x", "dev-3"), payload, published + 40);
      assertThat(result.isAccepted()).as(result.toString()).isTrue();
      assertThat(result.deviceId()).contains("dev-3");
      assertThat(result.fieldRejections()).isEmpty();
    }
    assertThat(shape.filter("bench/c")).isEqualTo(shape.topic("bench/c", "+"));
  }

  @Test
  void tasmotaReadingsAreNestedWithTheLocalTimeInWholeSecondsOfThePublish() {
    byte[] payload = BridgeBenchmark.Payloads.tasmota(42, 1_795_000_012_999L);
    String text = new String(payload, java.nio.charset.StandardCharsets.UTF_8);
    assertThat(text).startsWith("{\"Time\":\"2026-11-18T11:06:52\",\"seq\":42,\"AM2301\":{\"Temperature\":")
        .contains("\"ENERGY\":{", "\"Power\":", "\"Voltage\":", "\"Current\":").endsWith(",\"TempUnit\":\"C\"}");
    java.util.Map<String, String> raw = new java.util.HashMap<>(PayloadShape.TASMOTA.parserSettings());
    raw.put(io.vigil.bridge.BridgeConfig.TOPIC_LAYOUT, PayloadShape.TASMOTA.layout("bench/t"));
    io.vigil.schemas.ParseResult result = new TelemetryParser(new io.vigil.bridge.BridgeConfig(raw).parserOptions())
        .parse(PayloadShape.TASMOTA.topic("bench/t", "plug-1"), payload, 1_795_000_013_050L);
    assertThat(result.measurements()).extracting(io.vigil.schemas.Measurement::metric)
        .contains("AM2301.Temperature", "AM2301.Humidity", "ENERGY.Total", "ENERGY.Power", "ENERGY.Voltage", "ENERGY.Current")
        .doesNotContain("seq", "Time", "TempUnit");
    // Whole seconds: why the bench takes latency from its own table of publish times, not the payload.
    assertThat(result.measurements()).allSatisfy(m -> assertThat(m.eventTimeMillis()).isEqualTo(1_795_000_012_000L));
  }

  @Test
  void unknownPayloadShapesAreRefusedNamingTheKnownOnes() {
    assertThat(PayloadShape.of("Tasmota")).isEqualTo(PayloadShape.TASMOTA);
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> PayloadShape.of("shelly"))
        .hasMessageContaining("shelly").hasStackTraceContaining("zigbee2mqtt");
  }

  @Test
  void eachRoundIsComparedWithItsOwnCeilingAndTheMedianRoundIsReported() {
    BridgeBenchmark.Result r = new BridgeBenchmark.Result(
        List.of(rate("c1", 20_000), rate("c2", 10_000), rate("c3", 16_000)),
        List.of(rate("v1", 15_000), rate("v2", 9_000), rate("v3", 8_000)),
        rate("naive", 500), 0);
    assertThat(r.ratios()).containsExactly(0.75, 0.9, 0.5);
    assertThat(r.medianRatio()).isEqualTo(0.75);
    assertThat(r.medianVigil().name()).isEqualTo("v2");
    assertThat(r.medianCeiling().name()).isEqualTo("c3");
    assertThat(BridgeBenchmark.median(List.of(0.6, 0.8))).isEqualTo(0.7);
  }

  private static BridgeBenchmark.Figures rate(String name, double perSecond) {
    return new BridgeBenchmark.Figures(name, 1000, 1000 / perSecond, perSecond, 1, 2, 0, java.util.Map.of());
  }
}
