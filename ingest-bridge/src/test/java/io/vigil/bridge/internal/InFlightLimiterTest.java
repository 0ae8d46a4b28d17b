package io.vigil.bridge.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class InFlightLimiterTest {
  @Test
  void blocksAtTheCountLimitUntilSomethingIsReleased() throws Exception {
    InFlightLimiter limiter = new InFlightLimiter(2, 1_000_000);
    limiter.acquire(10);
    limiter.acquire(10);
    CompletableFuture<Void> third = CompletableFuture.runAsync(() -> {
      try {
        limiter.acquire(10);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> !third.isDone());
    limiter.release(10);
    await().atMost(Duration.ofSeconds(2)).until(third::isDone);
    assertThat(limiter.messages()).isEqualTo(2);
  }

  @Test
  void blocksAtTheByteLimitButAdmitsAnOversizedMessageAlone() throws Exception {
    InFlightLimiter limiter = new InFlightLimiter(100, 100);
    limiter.acquire(500);
    assertThat(limiter.bytes()).isEqualTo(500);
    CompletableFuture<Void> next = CompletableFuture.runAsync(() -> {
      try {
        limiter.acquire(1);
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> !next.isDone());
    limiter.release(500);
    await().atMost(Duration.ofSeconds(2)).until(next::isDone);
    assertThat(limiter.bytes()).isEqualTo(1);
  }

  @Test
  void tryAcquireRefusesWithoutWaitingWhenFullAndAdmitsAnOversizedMessageAlone() {
    InFlightLimiter limiter = new InFlightLimiter(2, 100);
    assertThat(limiter.tryAcquire(500)).as("alone, even past the byte limit").isTrue();
    assertThat(limiter.tryAcquire(1)).as("bytes already over").isFalse();
    limiter.release(500);
    assertThat(limiter.tryAcquire(10)).isTrue();
    assertThat(limiter.tryAcquire(10)).isTrue();
    assertThat(limiter.tryAcquire(10)).as("count limit").isFalse();
    assertThat(limiter.messages()).isEqualTo(2);
    assertThat(limiter.bytes()).isEqualTo(20);
  }
}
