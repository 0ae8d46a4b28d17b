package io.vigil.bridge.internal;

/**
 * MQTT topic-filter matching as the broker does it (MQTT 3.1.1, 4.7): {@code +} matches exactly one
 * level, {@code #} (last) matches the parent level and everything below it, and wildcards at the
 * first level never match topics starting with {@code $}. A shared subscription
 * {@code $share/<group>/<filter>} matches like its filter.
 */
public final class TopicFilter {
  private static final String SHARE_PREFIX = "$share/";

  private TopicFilter() {}

  /** The filter without a {@code $share/<group>/} prefix: what topics it matches. */
  public static String withoutShare(String filter) {
    if (filter.startsWith(SHARE_PREFIX)) {
      int groupEnd = filter.indexOf('/', SHARE_PREFIX.length());
      return groupEnd < 0 ? "" : filter.substring(groupEnd + 1);
    }
    return filter;
  }

  /** Why {@code filter} is not a valid MQTT topic filter, or null when it is. */
  public static String problem(String filter) {
    if (filter.startsWith(SHARE_PREFIX)) {
      int groupEnd = filter.indexOf('/', SHARE_PREFIX.length());
      if (groupEnd <= SHARE_PREFIX.length()) {
        return "a shared subscription is written $share/<group>/<filter>";
      }
      String group = filter.substring(SHARE_PREFIX.length(), groupEnd);
      if (group.contains("+") || group.contains("#")) {
        return "the share group name cannot contain + or #";
      }
    }
    String f = withoutShare(filter);
    if (f.isEmpty()) {
      return "it is empty";
    }
    String[] levels = f.split("/", -1);
    for (int i = 0; i < levels.length; i++) {
      String level = levels[i];
      if (level.contains("#") && (!level.equals("#") || i != levels.length - 1)) {
        return "# must be a whole level and the last one";
      }
      if (level.contains("+") && !level.equals("+")) {
        return "+ must be a whole level";
      }
    }
    return null;
  }

  /** Whether a message published on {@code topic} is delivered to a subscription to {@code filter}. */
  public static boolean matches(String filter, String topic) {
    String f = withoutShare(filter);
    String[] fl = f.split("/", -1);
    String[] tl = topic.split("/", -1);
    if (topic.startsWith("$") && (fl[0].equals("+") || fl[0].equals("#"))) {
      return false;
    }
    for (int i = 0; i < fl.length; i++) {
      if (fl[i].equals("#")) {
        return true;
      }
      if (i >= tl.length) {
        return false;
      }
      if (!fl[i].equals("+") && !fl[i].equals(tl[i])) {
        return false;
      }
    }
    return fl.length == tl.length;
  }
}
