package io.vigil.schemas.internal;

import io.vigil.schemas.SparkplugB;

/**
 * A Sparkplug B topic, {@code spBv1.0/<group>/<type>/<edge node>[/<device>]}, split into its parts.
 *
 * @param device null for edge-node messages (N*)
 */
public record SparkplugTopic(String group, String type, String node, String device) {

  /** The parts, or null when the topic is not in the Sparkplug B namespace with 4 or 5 levels. */
  public static SparkplugTopic parse(String topic) {
    if (topic == null || !topic.startsWith(SparkplugB.NAMESPACE + "/")) {
      return null;
    }
    String[] levels = topic.split("/", -1);
    if (levels.length == 3 && levels[1].equals("STATE")) {
      return new SparkplugTopic(null, "STATE", levels[2], null);
    }
    if (levels.length < 4 || levels.length > 5) {
      return null;
    }
    for (String level : levels) {
      if (level.isEmpty()) {
        return null;
      }
    }
    return new SparkplugTopic(levels[1], levels[2], levels[3], levels.length == 5 ? levels[4] : null);
  }

  public boolean isBirth() {
    return type.equals("NBIRTH") || type.equals("DBIRTH");
  }

  public boolean isData() {
    return type.equals("NDATA") || type.equals("DDATA");
  }

  public boolean isDeath() {
    return type.equals("NDEATH") || type.equals("DDEATH");
  }

  /** Whether the type fits the level count: N* on 4 levels, D* on 5. */
  public boolean wellFormed() {
    boolean nodeType = type.equals("NBIRTH") || type.equals("NDATA") || type.equals("NDEATH");
    boolean deviceType = type.equals("DBIRTH") || type.equals("DDATA") || type.equals("DDEATH");
    return (nodeType && device == null) || (deviceType && device != null);
  }

  /** The edge node's key in alias tables: group and node, raw (not the sanitised device id). */
  public String nodeKey() {
    return group + "/" + node;
  }

  /** The alias-table key of the sender: the node, or the device behind it. */
  public String senderKey() {
    return device == null ? nodeKey() : nodeKey() + "/" + device;
  }
}
