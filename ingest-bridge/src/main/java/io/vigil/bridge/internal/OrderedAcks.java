package io.vigil.bridge.internal;

import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * Acknowledges MQTT messages in the order they arrived, although Kafka confirms them in any order.
 * MQTT wants PUBACKs in arrival order, and acknowledging a later message first would let the broker
 * forget an earlier one that Kafka does not hold yet.
 */
public final class OrderedAcks<T> {
  /** One received message awaiting Kafka's confirmation. */
  public static final class Slot<T> {
    private final T message;
    private boolean confirmed;

    Slot(T message) {
      this.message = message;
    }

    public T message() {
      return message;
    }
  }

  private final ArrayDeque<Slot<T>> slots = new ArrayDeque<>();
  private final Consumer<T> acknowledge;

  public OrderedAcks(Consumer<T> acknowledge) {
    this.acknowledge = acknowledge;
  }

  /** Registers a message on arrival; call in arrival order. */
  public synchronized Slot<T> arrived(T message) {
    Slot<T> slot = new Slot<>(message);
    slots.addLast(slot);
    return slot;
  }

  /**
   * Marks a message as held by Kafka and acknowledges every message at the head of the queue that
   * is confirmed. Returns how many were acknowledged.
   */
  public synchronized int confirmed(Slot<T> slot) {
    slot.confirmed = true;
    int acked = 0;
    while (!slots.isEmpty() && slots.peekFirst().confirmed) {
      acknowledge.accept(slots.pollFirst().message);
      acked++;
    }
    if (slots.isEmpty()) {
      notifyAll();
    }
    return acked;
  }

  /** Waits until every registered message is acknowledged, or the timeout passes; true when drained. */
  public synchronized boolean awaitDrained(java.time.Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!slots.isEmpty()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      java.util.concurrent.TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return true;
  }

  public synchronized int pending() {
    return slots.size();
  }
}
