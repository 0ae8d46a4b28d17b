package io.vigil.schemas;

/** Which clock an accepted reading's event time came from. */
public enum TimeSource {
  /** A time the device (or its gateway) wrote into the payload. */
  PAYLOAD,
  /** The bridge's arrival time: the payload carried none and its mapping says to use arrival. */
  ARRIVAL
}
