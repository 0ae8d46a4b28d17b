package io.vigil.schemas;

/** Which clock a message's event times came from: the device's (a payload field) or the bridge's arrival time. */
public enum TimeSource {
  /** The payload carried the event time (a timestamp field, or a Sparkplug B metric or payload timestamp). */
  PAYLOAD,
  /** The payload carried none; the arrival time (the bridge's arrival header) stands in. */
  ARRIVAL
}
