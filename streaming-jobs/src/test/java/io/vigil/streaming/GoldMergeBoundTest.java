package io.vigil.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.streaming.internal.GoldBatch;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GoldMergeBoundTest {
  @ParameterizedTest(name = "{0} with {1} windows merges from {2}")
  @CsvSource({
      "2026-12-03T12:34:56.789Z, PT1M, 2026-12-03T12:00:00Z",
      "2026-12-03T12:00:00Z,     PT1M, 2026-12-03T12:00:00Z",
      "2026-12-03T11:59:59.999Z, PT1M, 2026-12-03T11:00:00Z",
      // 60 hours: 2026-12-03T00:00Z is day 20,425 since the epoch, 490,200 hours, a multiple of 60.
      "2026-12-03T12:34:56Z,     PT1H, 2026-12-03T00:00:00Z",
      "2026-12-02T23:59:59Z,     PT1H, 2026-11-30T12:00:00Z",
  })
  void theBoundIsAtOrBeforeTheEarliestWindowAndMovesInSteps(String earliest, Duration window, String expected) {
    Timestamp from = GoldBatch.pruneFrom(Timestamp.from(Instant.parse(earliest)), window);
    assertThat(from.toInstant()).isEqualTo(Instant.parse(expected));
    assertThat(from.toInstant()).isBeforeOrEqualTo(Instant.parse(earliest));
  }
}
