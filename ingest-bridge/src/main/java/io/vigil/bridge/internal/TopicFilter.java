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
    return filter.substring(matchedFrom(filter));
  }

  /** Where the part of {@code filter} that topics are matched against begins: after any share prefix. */
  private static int matchedFrom(String filter) {
    if (!filter.startsWith(SHARE_PREFIX)) {
      return 0;
    }
    int groupEnd = filter.indexOf('/', SHARE_PREFIX.length());
    return groupEnd < 0 ? filter.length() : groupEnd + 1;
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

  /**
   * Whether a message published on {@code topic} is delivered to a subscription to {@code filter}.
   * Walks both strings level by level instead of splitting them: the bridge asks this for every
   * message and route, and two arrays of substrings per call were a visible share of its allocation.
   */
  public static boolean matches(String filter, String topic) {
    int fi = matchedFrom(filter);
    int fn = filter.length();
    int tn = topic.length();
    if (topic.startsWith("$") && fn - fi >= 1 && (filter.charAt(fi) == '+' || filter.charAt(fi) == '#')
        && (fn - fi == 1 || filter.charAt(fi + 1) == '/')) {
      return false;
    }
    int ti = 0;
    while (true) {
      int fe = filter.indexOf('/', fi);
      if (fe < 0) {
        fe = fn;
      }
      boolean single = fe - fi == 1;
      if (single && filter.charAt(fi) == '#') {
        return true;
      }
      if (ti > tn) {
        // The topic has fewer levels than the filter.
        return false;
      }
      int te = topic.indexOf('/', ti);
      if (te < 0) {
        te = tn;
      }
      boolean plus = single && filter.charAt(fi) == '+';
      if (!plus && (fe - fi != te - ti || !filter.regionMatches(fi, topic, ti, fe - fi))) {
        return false;
      }
      if (fe == fn) {
        return te == tn;
      }
      fi = fe + 1;
      ti = te + 1;
    }
  }
}
