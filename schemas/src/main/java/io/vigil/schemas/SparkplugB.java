package io.vigil.schemas;

import java.util.List;

/**
 * Sparkplug B (Eclipse Sparkplug 3.0) as Vigil reads it; the full mapping is in docs/sparkplug-b.md.
 *
 * <ul>
 *   <li>Device id: {@code <group>:<edge node>} for an edge node's own metrics, {@code <group>:<edge
 *       node>:<device>} for a device behind it. Each element keeps letters, digits and {@code . _ -};
 *       any other character (a space, a colon) becomes {@code _}.
 *   <li>Metric name: {@code /} becomes {@code .}, a space and any other character outside Vigil's
 *       metric-name rule become {@code _} ({@code Motor 1/Speed} is {@code Motor_1.Speed}).
 * </ul>
 */
public final class SparkplugB {
  private SparkplugB() {}

  /** The preset (and format) name routes use: {@code routes.<name>.preset=sparkplug-b}. */
  public static final String PRESET = "sparkplug-b";
  public static final String NAMESPACE = "spBv1.0";

  /**
   * The message types that carry telemetry or device status. STATE (a host application's own state)
   * and NCMD/DCMD (commands to the edge) are not telemetry, so a Sparkplug route subscribes to these.
   */
  public static final List<String> SUBSCRIPTION_FILTERS = List.of(
      NAMESPACE + "/+/NBIRTH/+", NAMESPACE + "/+/NDATA/+", NAMESPACE + "/+/NDEATH/+",
      NAMESPACE + "/+/DBIRTH/+/+", NAMESPACE + "/+/DDATA/+/+", NAMESPACE + "/+/DDEATH/+/+");

  /** The metric an edge node reads as "send all your BIRTHs again" (NCMD). */
  public static final String REBIRTH_METRIC = "Node Control/Rebirth";

  /** An NCMD payload asking an edge node to publish its NBIRTH and DBIRTHs again. */
  public static byte[] rebirthRequest(long nowMillis) {
    return org.eclipse.tahu.protobuf.SparkplugBProto.Payload.newBuilder().setTimestamp(nowMillis)
        .addMetrics(org.eclipse.tahu.protobuf.SparkplugBProto.Payload.Metric.newBuilder().setName(REBIRTH_METRIC)
            .setTimestamp(nowMillis).setDatatype(org.eclipse.tahu.protobuf.SparkplugBProto.DataType.Boolean_VALUE).setBooleanValue(true))
        .build().toByteArray();
  }

  /** The NCMD topic of an edge node, where a rebirth request goes. */
  public static String commandTopic(String group, String edgeNode) {
    return NAMESPACE + "/" + group + "/NCMD/" + edgeNode;
  }
}
