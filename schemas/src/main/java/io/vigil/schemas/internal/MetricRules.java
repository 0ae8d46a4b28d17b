package io.vigil.schemas.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.schemas.Rejection;

/** What a metric name and a metric value must look like: one rule for every dialect. */
public final class MetricRules {
  private MetricRules() {}

  /** Letter or _ first, then letters, digits and _ . : - (up to 128); checked by hand, a regex per metric was a hot spot. */
  public static boolean isMetricName(String name) {
    int n = name.length();
    if (n == 0 || n > 128) {
      return false;
    }
    char first = name.charAt(0);
    if (!(first == '_' || (first >= 'A' && first <= 'Z') || (first >= 'a' && first <= 'z'))) {
      return false;
    }
    for (int i = 1; i < n; i++) {
      char c = name.charAt(i);
      boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
          || c == '_' || c == '.' || c == ':' || c == '-';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** Null when {@code value} is a good reading named {@code name}; otherwise why not. */
  public static Rejection checkMetric(String path, String name, JsonNode value) {
    if (!isMetricName(name)) {
      return Rejections.invalidMetricName(path, name);
    }
    if (value == null || value.isNull()) {
      return Rejections.missingMetricValue(path);
    }
    if (value.isNumber()) {
      double d = value.doubleValue();
      if (Double.isNaN(d) || Double.isInfinite(d)) {
        return Rejections.nonFinite(path, value.asText());
      }
      return null;
    }
    if (value.isTextual()) {
      String t = value.asText().trim();
      if (isNonFiniteWord(t)) {
        return Rejections.nonFinite(path, t);
      }
    }
    return Rejections.nonNumeric(path, "a JSON number", value.getNodeType().name().toLowerCase() + " " + abbreviate(value.toString()));
  }

  /** NaN, inf, -Infinity...: what firmware prints for a sensor with no valid reading. */
  public static boolean isNonFiniteWord(String t) {
    return t.equalsIgnoreCase("nan") || t.matches("[+-]?(?i)inf(inity)?");
  }

  public static String abbreviate(String s) {
    return s.length() <= 60 ? s : s.substring(0, 57) + "...";
  }
}
