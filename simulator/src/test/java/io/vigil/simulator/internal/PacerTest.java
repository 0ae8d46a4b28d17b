package io.vigil.simulator.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class PacerTest {
  private static final long WALL = 1_000_000;
  private static final long ANCHOR = 5_000_000;

  @Test
  void historyIsDueAtOnceAndTheFutureAtItsTime() {
    Pacer p = new Pacer(WALL, ANCHOR, 1, 0);
    assertThat(p.sendAtMs(ANCHOR - 3_600_000)).isEqualTo(WALL);
    assertThat(p.sendAtMs(ANCHOR + 2_500)).isEqualTo(WALL + 2_500);
  }

  @Test
  void speedupDividesTheWait() {
    Pacer p = new Pacer(WALL, ANCHOR, 50, 0);
    assertThat(p.sendAtMs(ANCHOR + 100_000)).isEqualTo(WALL + 2_000);
  }

  @Test
  void rateCapSpacesOverdueMessages() {
    Pacer p = new Pacer(WALL, ANCHOR, 1, 250);
    double at = 0;
    for (int i = 0; i < 1000; i++) {
      at = p.sendAtMs(0);
      p.sent(at, (long) at);
    }
    // 1000 messages at 250/s: the last leaves 999 * 4 ms after the first.
    assertThat(at).isEqualTo(WALL + 999 * 4.0);
  }

  @Test
  void capDoesNotDelayMessagesThatAreSparseAnyway() {
    Pacer p = new Pacer(WALL, ANCHOR, 1, 100);
    double first = p.sendAtMs(ANCHOR + 1_000);
    p.sent(first, (long) first);
    assertThat(p.sendAtMs(ANCHOR + 1_005)).isEqualTo(WALL + 1_010);
    assertThat(p.sendAtMs(ANCHOR + 2_000)).isEqualTo(WALL + 2_000);
  }

  @Test
  void afterAStallOnlyOneSecondOfSlotsIsMadeUp() {
    Pacer p = new Pacer(WALL, ANCHOR, 1, 10);
    p.sent(WALL, WALL + 60_000); // the send itself took a minute
    assertThat(p.sendAtMs(0)).isEqualTo(WALL + 60_000 - 1_000 + 100);
  }

  @Test
  void rejectsNonsense() {
    assertThatThrownBy(() -> new Pacer(0, 0, 0, 1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Pacer(0, 0, 1, -1)).isInstanceOf(IllegalArgumentException.class);
  }
}
