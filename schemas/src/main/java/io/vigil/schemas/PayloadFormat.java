package io.vigil.schemas;

/** How a route's payloads are encoded, and so which decoder {@link TelemetryParser} hands them to. */
public enum PayloadFormat {
  /** JSON objects (Vigil's own dialect and the mapped/preset JSON families). */
  JSON,
  /**
   * Sparkplug B: protobuf payloads on {@code spBv1.0/<group>/<type>/<edge node>[/<device>]}; the
   * preset {@value SparkplugB#PRESET}. See docs/sparkplug-b.md.
   */
  SPARKPLUG_B
}
