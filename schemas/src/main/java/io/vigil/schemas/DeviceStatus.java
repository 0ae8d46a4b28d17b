package io.vigil.schemas;

import java.io.Serializable;
import java.util.Objects;

/**
 * A device saying it is up or down: a last will ({@code Offline}), a birth ({@code online}), an
 * availability message, a Sparkplug DEATH. The device watch turns these into INACTIVE / REAPPEARED.
 *
 * @param atMillis when it was said: the payload's time when it carries one, else the arrival time
 * @param detail the payload as received (abbreviated), for operators
 */
public record DeviceStatus(State state, long atMillis, String detail) implements Serializable {
  public enum State { ONLINE, OFFLINE }

  public DeviceStatus {
    Objects.requireNonNull(state, "state");
  }
}
