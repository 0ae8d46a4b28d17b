package io.vigil.simulator.internal;

import io.vigil.simulator.MessageSink;
import io.vigil.simulator.SimulatedMessage;

/** Counts messages and bytes, nothing else: for benchmarks and dry runs. */
public final class CountingSink implements MessageSink {
  private long count;
  private long bytes;

  @Override
  public void send(SimulatedMessage message) {
    count++;
    bytes += message.payload().length;
  }

  @Override
  public void flush() {}

  @Override
  public long delivered() {
    return count;
  }

  @Override
  public long failed() {
    return 0;
  }

  public long bytes() {
    return bytes;
  }

  @Override
  public void close() {}
}
