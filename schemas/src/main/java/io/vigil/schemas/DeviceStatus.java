package io.vigil.schemas;

import java.io.Serializable;

/**
 * What a message says about the device's connection (an MQTT last will {@code Offline}, a
 * Sparkplug NDEATH/DDEATH or birth), rather than about what it measured.
 *
 * @param atMillis when the status applies (payload time, else arrival)
 * @param detail where it came from, e.g. {@code LWT Offline} or {@code DDEATH}; may be null
 */
public record DeviceStatus(State state, long atMillis, String detail) implements Serializable {
  public enum State { ONLINE, OFFLINE }
}
