package io.vigil.stack;

import io.vigil.schemas.Topics;
import java.util.LinkedHashMap;
import java.util.Map;

/** The Kafka topics every Vigil stack has, with their partition counts. */
public final class DefaultTopics {
  private DefaultTopics() {}

  public static final String TELEMETRY = Topics.TELEMETRY;
  public static final int TELEMETRY_PARTITIONS = 6;
  public static final String ANOMALIES = Topics.ANOMALIES;
  public static final int ANOMALIES_PARTITIONS = 3;
  public static final String DEAD_LETTER = Topics.DEAD_LETTER;
  public static final int DEAD_LETTER_PARTITIONS = 1;
  public static final String DEVICE_STATUS = Topics.DEVICE_STATUS;
  public static final int DEVICE_STATUS_PARTITIONS = 1;

  /** Topic name to partition count, in a stable order. */
  public static Map<String, Integer> partitions() {
    Map<String, Integer> m = new LinkedHashMap<>();
    m.put(TELEMETRY, TELEMETRY_PARTITIONS);
    m.put(ANOMALIES, ANOMALIES_PARTITIONS);
    m.put(DEAD_LETTER, DEAD_LETTER_PARTITIONS);
    m.put(DEVICE_STATUS, DEVICE_STATUS_PARTITIONS);
    return m;
  }
}
