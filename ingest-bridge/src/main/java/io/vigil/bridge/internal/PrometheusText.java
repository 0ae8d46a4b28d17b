package io.vigil.bridge.internal;

import java.util.Map;

/**
 * Writes the Prometheus text exposition format 0.0.4: a HELP and a TYPE line per family, then its
 * samples; label values escaped; doubles as Go prints them (NaN, +Inf).
 */
public final class PrometheusText {
  public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final StringBuilder out = new StringBuilder();

  public PrometheusText family(String name, String type, String help) {
    out.append("# HELP ").append(name).append(' ').append(escapeHelp(help)).append('\n');
    out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    return this;
  }

  public PrometheusText sample(String name, double value) {
    return sample(name, Map.of(), value);
  }

  /** One sample; {@code labels} in the map's iteration order. */
  public PrometheusText sample(String name, Map<String, String> labels, double value) {
    out.append(name);
    if (!labels.isEmpty()) {
      out.append('{');
      boolean first = true;
      for (Map.Entry<String, String> label : labels.entrySet()) {
        if (!first) {
          out.append(',');
        }
        first = false;
        out.append(label.getKey()).append("=\"").append(escapeLabel(label.getValue())).append('"');
      }
      out.append('}');
    }
    out.append(' ').append(format(value)).append('\n');
    return this;
  }

  /** A histogram's buckets, sum and count, from {@link LatencyHistogram}. */
  public PrometheusText histogram(String name, String help, LatencyHistogram h) {
    family(name, "histogram", help);
    long[] cumulative = h.cumulativeCounts();
    for (int i = 0; i < LatencyHistogram.BOUNDS.length; i++) {
      sample(name + "_bucket", Map.of("le", format(LatencyHistogram.BOUNDS[i])), cumulative[i]);
    }
    sample(name + "_bucket", Map.of("le", "+Inf"), cumulative[cumulative.length - 1]);
    sample(name + "_sum", h.sumSeconds());
    sample(name + "_count", cumulative[cumulative.length - 1]);
    return this;
  }

  static String format(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "+Inf" : "-Inf";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }

  static String escapeLabel(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  static String escapeHelp(String s) {
    return s.replace("\\", "\\\\").replace("\n", "\\n");
  }

  @Override
  public String toString() {
    return out.toString();
  }
}
