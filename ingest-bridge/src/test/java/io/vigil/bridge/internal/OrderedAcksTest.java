package io.vigil.bridge.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OrderedAcksTest {
  @Test
  void acknowledgesInArrivalOrderWhateverOrderKafkaConfirms() {
    List<Integer> acked = new ArrayList<>();
    OrderedAcks<Integer> acks = new OrderedAcks<>(acked::add);
    var s1 = acks.arrived(1);
    var s2 = acks.arrived(2);
    var s3 = acks.arrived(3);

    assertThat(acks.confirmed(s3)).isZero();
    assertThat(acks.confirmed(s2)).isZero();
    assertThat(acked).isEmpty();
    assertThat(acks.pending()).isEqualTo(3);

    assertThat(acks.confirmed(s1)).isEqualTo(3);
    assertThat(acked).containsExactly(1, 2, 3);
    assertThat(acks.pending()).isZero();
  }

  @Test
  void anUnconfirmedHeadHoldsBackEverythingBehindIt() {
    List<Integer> acked = new ArrayList<>();
    OrderedAcks<Integer> acks = new OrderedAcks<>(acked::add);
    var s1 = acks.arrived(1);
    var s2 = acks.arrived(2);
    acks.arrived(3);
    acks.confirmed(s1);
    acks.confirmed(s2);
    assertThat(acked).containsExactly(1, 2);
    assertThat(acks.pending()).isEqualTo(1);
  }

  @Test
  void awaitDrainedReturnsOnceTheLastMessageIsAcknowledged() throws Exception {
    OrderedAcks<Integer> acks = new OrderedAcks<>(m -> { });
    var s1 = acks.arrived(1);
    assertThat(acks.awaitDrained(java.time.Duration.ofMillis(50))).isFalse();
    var confirmer = java.util.concurrent.CompletableFuture.runAsync(() -> acks.confirmed(s1));
    assertThat(acks.awaitDrained(java.time.Duration.ofSeconds(5))).isTrue();
    confirmer.join();
    assertThat(acks.pending()).isZero();
  }
}
