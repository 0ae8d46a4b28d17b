package io.vigil.schemas;

/** Which clock a reading's event time came from. */
public enum TimeSource {
  /** The device's own timestamp, from the payload. */
  PAYLOAD,
  /** The bridge's arrival time: the payload carried none and the mapping said to use it. */
  ARRIVAL
}
