package io.vigil.schemas;

import java.io.Serializable;
import java.util.Objects;

/**
 * A device's own statement that it came online or went offline (a Sparkplug B BIRTH or DEATH, a
 * last will), for the device watch to turn into REAPPEARED / INACTIVE.
 *
 * @param atMillis when the state changed
 * @param detail what said so, for operators (such as {@code "NDEATH bdSeq=3"}); may be empty
 */
public record DeviceStatus(State state, long atMillis, String detail) implements Serializable {
  public enum State { ONLINE, OFFLINE }

  public DeviceStatus {
    Objects.requireNonNull(state, "state");
    detail = detail == null ? "" : detail;
  }
}
