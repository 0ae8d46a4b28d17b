package io.vigil.schemas.internal;

import com.fasterxml.jackson.databind.JsonNode;
import io.vigil.schemas.Attribute;
import io.vigil.schemas.Measurement;
import io.vigil.schemas.ParseResult;
import io.vigil.schemas.ParserOptions;
import io.vigil.schemas.PayloadMapping;
import io.vigil.schemas.Rejection;
import io.vigil.schemas.TimeSource;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads a payload under a {@link PayloadMapping}: the time from the first candidate present (or the
 * arrival time), readings flattened from the metrics root, strings kept as attributes. The device id
 * is resolved by the caller, exactly as for Vigil's dialect.
 */
public final class MappedPayloadReader implements Serializable {
  private static final long serialVersionUID = 1L;
  private static final String VIGIL_METRICS_FIELD = "metrics";

  private final ParserOptions options;
  private final PayloadMapping mapping;
  private final Globs globs;
  private final Set<String> consumed;

  public MappedPayloadReader(ParserOptions options) {
    this.options = options;
    this.mapping = options.mapping();
    this.globs = new Globs(mapping.include(), mapping.exclude());
    Set<String> c = new HashSet<>(mapping.timestampFields());
    c.addAll(MessageIds.FIELDS);
    if (options.deviceIdField() != null) {
      c.add(options.deviceIdField());
    }
    c.addAll(options.ignoredFields());
    this.consumed = Set.copyOf(c);
  }

  /** An object payload. {@code topicMetric} (from a {@code {metric}} layout) prefixes every name. */
  public ParseResult read(JsonNode root, String deviceId, String topicMetric, long arrivalMillis) {
    long time;
    TimeSource source;
    JsonNode tsNode = null;
    String tsField = null;
    for (String candidate : mapping.timestampFields()) {
      JsonNode n = Paths.at(root, candidate);
      if (n != null && !n.isNull()) {
        tsNode = n;
        tsField = candidate;
        break;
      }
    }
    if (tsNode != null) {
      TimestampParser.Outcome ts = TimestampParser.parse(tsField, tsNode, options, arrivalMillis);
      if (ts.rejection() != null) {
        return ParseResult.rejected(deviceId, ts.rejection());
      }
      time = ts.millis();
      source = TimeSource.PAYLOAD;
    } else if (mapping.missingTimestamp() == PayloadMapping.MissingTimestamp.ARRIVAL) {
      time = arrivalMillis;
      source = TimeSource.ARRIVAL;
    } else {
      return ParseResult.rejected(deviceId, Rejections.missingTimestamp(mapping.timestampFields()));
    }

    MessageIds.Outcome id = MessageIds.read(root);
    if (id.rejection() != null) {
      return ParseResult.rejected(deviceId, id.rejection());
    }

    String rootPath = mapping.metricsRoot();
    JsonNode metricsNode;
    if (rootPath == null) {
      JsonNode nested = root.get(VIGIL_METRICS_FIELD);
      rootPath = nested != null && nested.isObject() ? VIGIL_METRICS_FIELD : "";
      metricsNode = rootPath.isEmpty() ? root : nested;
    } else {
      metricsNode = Paths.at(root, rootPath);
      if (metricsNode == null || !metricsNode.isObject()) {
        return ParseResult.rejected(deviceId, Rejections.noMetricsMapped(rootPath, 0, true));
      }
    }
    Collector out = new Collector(deviceId, time, id.id(), topicMetric);
    Rejection fatal = walk(metricsNode, rootPath, "", out);
    if (fatal != null) {
      return ParseResult.rejected(deviceId, fatal);
    }
    if (out.measurements.isEmpty()) {
      if (!out.fieldRejections.isEmpty()) {
        return ParseResult.rejected(deviceId, out.fieldRejections.get(0));
      }
      return ParseResult.rejected(deviceId, Rejections.noMetricsMapped(rootPath, out.attributes.size(), false));
    }
    return ParseResult.accepted(deviceId, out.measurements, out.attributes, out.fieldRejections, source, null);
  }

  /** A bare value ({@code 21.5}, {@code ON}, {@code online}) whose metric the topic names; its time is the arrival. */
  public ParseResult readScalar(String deviceId, String metric, JsonNode value, String text, long arrivalMillis) {
    if (mapping.missingTimestamp() != PayloadMapping.MissingTimestamp.ARRIVAL) {
      return ParseResult.rejected(deviceId, Rejections.missingTimestamp(mapping.timestampFields()));
    }
    Collector out = new Collector(deviceId, arrivalMillis, null, null);
    Rejection fatal;
    if (value != null && !value.isTextual()) {
      fatal = leaf(value, metric, metric, out);
    } else {
      String t = value != null ? value.asText() : text.trim();
      // A quoted number ("4.2") is a reading too; ON/OFF and true/false are 1/0.
      Double sw = t.trim().matches("[+-]?\\d+(\\.\\d+)?([eE][+-]?\\d+)?") ? Double.valueOf(t.trim()) : StatusWords.switchValue(t);
      fatal = sw != null ? leaf(com.fasterxml.jackson.databind.node.DoubleNode.valueOf(sw), metric, metric, out)
          : leaf(com.fasterxml.jackson.databind.node.TextNode.valueOf(t), metric, metric, out);
    }
    if (fatal != null) {
      return ParseResult.rejected(deviceId, fatal);
    }
    if (out.measurements.isEmpty() && out.attributes.isEmpty()) {
      return ParseResult.rejected(deviceId, out.fieldRejections.isEmpty()
          ? Rejections.noMetricsMapped("", 0, false) : out.fieldRejections.get(0));
    }
    return ParseResult.accepted(deviceId, out.measurements, out.attributes, out.fieldRejections, TimeSource.ARRIVAL, null);
  }

  private final class Collector {
    final String deviceId;
    final long time;
    final String messageId;
    final String prefix;
    final List<Measurement> measurements = new ArrayList<>();
    final List<Attribute> attributes = new ArrayList<>();
    final List<Rejection> fieldRejections = new ArrayList<>();

    Collector(String deviceId, long time, String messageId, String prefix) {
      this.deviceId = deviceId;
      this.time = time;
      this.messageId = messageId;
      this.prefix = prefix == null || prefix.isEmpty() ? "" : prefix + ".";
    }
  }

  /** Flattens {@code node}; returns a rejection that refuses the whole message (strict mode, limits). */
  private Rejection walk(JsonNode node, String payloadPath, String name, Collector out) {
    Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> f = fields.next();
      String path = payloadPath.isEmpty() ? f.getKey() : payloadPath + "." + f.getKey();
      if (consumed.contains(path)) {
        continue;
      }
      Rejection r = child(f.getValue(), path, name.isEmpty() ? f.getKey() : name + "." + f.getKey(), out);
      if (r != null) {
        return r;
      }
    }
    return null;
  }

  private Rejection child(JsonNode value, String path, String name, Collector out) {
    if (value.isObject()) {
      return walk(value, path, name, out);
    }
    if (value.isArray()) {
      if (mapping.arrays() == PayloadMapping.ArrayMode.SKIP) {
        return null;
      }
      for (int i = 0; i < value.size(); i++) {
        Rejection r = child(value.get(i), path + "." + i, name + "." + i, out);
        if (r != null) {
          return r;
        }
      }
      return null;
    }
    return leaf(value, path, out.prefix + name, out);
  }

  private Rejection leaf(JsonNode value, String path, String name, Collector out) {
    if (value.isNull() || !globs.keeps(name)) {
      // A null is a sensor with no reading this time: nothing to keep, nothing wrong.
      return null;
    }
    if (out.measurements.size() + out.attributes.size() >= options.maxMetrics()) {
      return Rejections.tooManyMetrics(options.maxMetrics());
    }
    if (value.isBoolean()) {
      value = com.fasterxml.jackson.databind.node.IntNode.valueOf(value.booleanValue() ? 1 : 0);
    }
    if (value.isTextual() && mapping.strings() == PayloadMapping.StringMode.ATTRIBUTE && !MetricRules.isNonFiniteWord(value.asText().trim())) {
      if (!MetricRules.isMetricName(name)) {
        return problem(Rejections.invalidMetricName(path, name), out);
      }
      out.attributes.add(new Attribute(name, value.asText(), out.time));
      return null;
    }
    Rejection problem = MetricRules.checkMetric(path, name, value);
    if (problem != null) {
      return problem(problem, out);
    }
    out.measurements.add(new Measurement(out.deviceId, name, out.time, value.doubleValue(), out.messageId));
    return null;
  }

  private Rejection problem(Rejection problem, Collector out) {
    if (options.strict()) {
      return problem;
    }
    out.fieldRejections.add(problem);
    return null;
  }
}
