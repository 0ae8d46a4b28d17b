package io.vigil.schemas.internal;

/** How Sparkplug B identifiers become Vigil device ids and metric names (documented in SparkplugB). */
public final class SparkplugNames {
  private SparkplugNames() {}

  /** {@code <group>:<node>[:<device>]}, each element with characters outside {@code [A-Za-z0-9._-]} as {@code _}. */
  public static String deviceId(String group, String node, String device) {
    StringBuilder b = new StringBuilder(64);
    element(b, group);
    b.append(':');
    element(b, node);
    if (device != null) {
      b.append(':');
      element(b, device);
    }
    return b.toString();
  }

  private static void element(StringBuilder b, String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      b.append(isAlnum(c) || c == '.' || c == '_' || c == '-' ? c : '_');
    }
  }

  /**
   * A Sparkplug metric name as a Vigil metric name: {@code /} as {@code .}, a space and any other
   * character outside {@code [A-Za-z0-9_.:-]} as {@code _}, and {@code _} in front when the first
   * character is no letter or {@code _}. The result may still be over 128 characters: the caller
   * checks the rule.
   */
  public static String metricName(String name) {
    StringBuilder b = new StringBuilder(name.length() + 1);
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '/') {
        b.append('.');
      } else if (isAlnum(c) || c == '_' || c == '.' || c == ':' || c == '-') {
        b.append(c);
      } else {
        b.append('_');
      }
    }
    if (b.length() == 0 || !(Character.isLetter(b.charAt(0)) && b.charAt(0) < 128 || b.charAt(0) == '_')) {
      b.insert(0, '_');
    }
    return b.toString();
  }

  private static boolean isAlnum(char c) {
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  }
}
