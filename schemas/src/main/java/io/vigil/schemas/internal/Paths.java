package io.vigil.schemas.internal;

import com.fasterxml.jackson.databind.JsonNode;

/** Dotted paths into a JSON tree: {@code uplink_message.decoded_payload}, {@code rx_metadata.0.rssi}. */
public final class Paths {
  private Paths() {}

  /** The node at {@code path}, or null when any step is missing. An empty path is the root. */
  public static JsonNode at(JsonNode root, String path) {
    if (path == null || root == null) {
      return null;
    }
    if (path.isEmpty()) {
      return root;
    }
    JsonNode node = root.get(path);
    if (node != null || path.indexOf('.') < 0) {
      // A field whose own name has a dot is found whole first.
      return node;
    }
    node = root;
    int start = 0;
    while (node != null && start <= path.length()) {
      int end = path.indexOf('.', start);
      String step = path.substring(start, end < 0 ? path.length() : end);
      node = node.isArray() && isIndex(step) ? node.get(Integer.parseInt(step)) : node.get(step);
      if (end < 0) {
        return node;
      }
      start = end + 1;
    }
    return null;
  }

  private static boolean isIndex(String step) {
    if (step.isEmpty() || step.length() > 6) {
      return false;
    }
    for (int i = 0; i < step.length(); i++) {
      if (!Character.isDigit(step.charAt(i))) {
        return false;
      }
    }
    return true;
  }
}
