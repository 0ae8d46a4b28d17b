package io.vigil.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.schemas.ParserOptions;
import io.vigil.schemas.TelemetryParser;
import io.vigil.schemas.TopicLayout;
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
}
