package io.vigil.streaming;

import io.vigil.common.VigilErrors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Reads {@code device.watch.threshold.<name>.metric|above|below} into rules, the way Kafka Connect
 * reads {@code transforms.<name>.*}: every error names the full key.
 */
final class ThresholdRules {
  private static final List<String> FIELDS = List.of("metric", "above", "below");

  private ThresholdRules() {}

  /**
   * @param byRest the keys with {@code prefix} removed ({@code noise.metric} to {@code noise})
   */
  static List<ThresholdRule> parse(Map<String, String> byRest, String prefix) {
    Map<String, Map<String, String>> byName = new TreeMap<>();
    for (Map.Entry<String, String> e : byRest.entrySet()) {
      String key = prefix + e.getKey();
      int dot = e.getKey().lastIndexOf('.');
      String name = dot < 0 ? "" : e.getKey().substring(0, dot);
      String field = e.getKey().substring(dot + 1);
      if (!FIELDS.contains(field) || name.isEmpty()) {
        String suggestion = name.isEmpty() ? prefix + "<name>.metric" : prefix + name + "." + closest(field);
        throw VigilErrors.unknownConfigKey(key, suggestion);
      }
      if (!name.matches("[A-Za-z0-9_-]+")) {
        throw VigilErrors.thresholdRuleInvalid(key, "the rule name '" + name + "' may use only letters, digits, '_' and '-'");
      }
      byName.computeIfAbsent(name, n -> new TreeMap<>()).put(field, e.getValue() == null ? "" : e.getValue().strip());
    }
    List<ThresholdRule> rules = new ArrayList<>();
    Map<String, String> metricOwner = new TreeMap<>();
    for (Map.Entry<String, Map<String, String>> r : byName.entrySet()) {
      String name = r.getKey();
      Map<String, String> f = r.getValue();
      String base = prefix + name + ".";
      String metric = f.get("metric");
      if (metric == null || metric.isEmpty()) {
        throw VigilErrors.thresholdRuleInvalid(base + "metric", "rule '" + name + "' names no metric");
      }
      Double above = number(base + "above", f.get("above"));
      Double below = number(base + "below", f.get("below"));
      if (above == null && below == null) {
        throw VigilErrors.thresholdRuleInvalid(base + "above", "rule '" + name + "' has neither .above nor .below");
      }
      if (above != null && below != null && below >= above) {
        throw VigilErrors.thresholdRuleInvalid(base + "below",
            "below (" + below + ") must be less than above (" + above + "), or every reading would cross");
      }
      String other = metricOwner.put(metric, name);
      if (other != null) {
        throw VigilErrors.thresholdRuleInvalid(base + "metric",
            "metric '" + metric + "' already has the rule '" + other + "' (use one rule with .above and .below)");
      }
      rules.add(new ThresholdRule(name, metric, above, below));
    }
    return rules;
  }

  private static Double number(String key, String text) {
    if (text == null || text.isEmpty()) {
      return null;
    }
    try {
      double d = Double.parseDouble(text);
      if (Double.isFinite(d)) {
        return d;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw VigilErrors.invalidConfigValue(key, text, "a finite number such as 85 or -10.5");
  }

  private static String closest(String field) {
    for (String f : FIELDS) {
      if (f.charAt(0) == (field.isEmpty() ? ' ' : field.charAt(0))) {
        return f;
      }
    }
    return "metric";
  }
}
