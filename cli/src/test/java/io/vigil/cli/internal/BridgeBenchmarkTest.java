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

  @Test
  void eachRoundIsComparedWithItsOwnCeilingAndTheMedianRoundIsReported() {
    BridgeBenchmark.Result r = new BridgeBenchmark.Result(
        List.of(rate("c1", 20_000), rate("c2", 10_000), rate("c3", 16_000)),
        List.of(rate("v1", 15_000), rate("v2", 9_000), rate("v3", 8_000)),
        rate("naive", 500));
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
