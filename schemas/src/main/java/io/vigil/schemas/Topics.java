package io.vigil.schemas;

/** Default Kafka topic names; every service lets them be configured. */
public final class Topics {
  private Topics() {}

  public static final String TELEMETRY = "vigil.telemetry";
  public static final String ANOMALIES = "vigil.anomalies";
  public static final String DEAD_LETTER = "vigil.deadletter";
  public static final String DEVICE_STATUS = "vigil.device-status";
}
