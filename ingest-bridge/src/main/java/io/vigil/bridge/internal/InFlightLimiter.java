package io.vigil.bridge.internal;

/**
 * Bounds what the bridge holds between receiving a message and acknowledging it, by count and by
 * bytes. When full, {@link #acquire} blocks the MQTT receive path, so the broker keeps the messages
 * instead of the bridge's heap; nothing is dropped to make room.
 */
public final class InFlightLimiter {
  private final int maxMessages;
  private final long maxBytes;
  private int messages;
  private long bytes;
  // Threads in acquire(): release() wakes them only when there are any, which is rare (the bound
  // is reached only when Kafka is slow), instead of calling notifyAll once per message.
  private int waiting;

  public InFlightLimiter(int maxMessages, long maxBytes) {
    this.maxMessages = maxMessages;
    this.maxBytes = maxBytes;
  }

  /** Takes room if there is some now, without waiting; same admission rule as {@link #acquire}. */
  public synchronized boolean tryAcquire(int size) {
    if (messages > 0 && (messages + 1 > maxMessages || bytes + size > maxBytes)) {
      return false;
    }
    messages++;
    bytes += size;
    return true;
  }

  /** Waits for room. A message larger than the byte limit is admitted alone, so it cannot wedge the bridge. */
  public synchronized void acquire(int size) throws InterruptedException {
    while (messages > 0 && (messages + 1 > maxMessages || bytes + size > maxBytes)) {
      waiting++;
      try {
        wait();
      } finally {
        waiting--;
      }
    }
    messages++;
    bytes += size;
  }

  public synchronized void release(int size) {
    messages--;
    bytes -= size;
    if (waiting > 0) {
      notifyAll();
    }
  }

  public synchronized int messages() {
    return messages;
  }

  public synchronized long bytes() {
    return bytes;
  }
}
