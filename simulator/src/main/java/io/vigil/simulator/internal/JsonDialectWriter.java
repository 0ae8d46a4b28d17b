package io.vigil.simulator.internal;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A dialect whose reading is one JSON object on one topic. Subclasses write the object's body; the
 * malformations every JSON dialect shares (empty, not JSON, a metric as "ERR" or "NaN", oversized) are
 * handled here so they break each dialect the same way.
 */
abstract class JsonDialectWriter implements DialectWriter {
  private static final JsonFactory JSON = new JsonFactory();

  protected final DeviceProfile profile;
  /** The dialect's own fields (battery, link quality, radio data): a stream of its own, one draw count per reading. */
  protected final SplittableRandom extras;

  JsonDialectWriter(DeviceProfile profile, SplittableRandom extras) {
    this.profile = profile;
    this.extras = extras;
  }

  /** The topic every reading of this device goes to. */
  abstract String topic();

  /** Writes the whole object, start to end. */
  abstract void body(JsonGenerator g, Sample s) throws IOException;

  /** Writes one JSON value. */
  @FunctionalInterface
  interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  @Override
  public List<Publication> write(Sample s) {
    return List.of(publication(topic(), s, g -> body(g, s), truth(s)));
  }

  /** One message whose JSON {@code body} writes, broken as the sample says; {@code truth} unless broken as a whole. */
  protected Publication publication(String topic, Sample s, Body body, Map<String, Double> truth) {
    Malformation bad = s.bad();
    if (bad == Malformation.EMPTY) {
      return new Publication(topic, new byte[0], Map.of());
    }
    if (bad == Malformation.NOT_JSON && s.textVariant()) {
      StringBuilder sb = new StringBuilder("device=").append(profile.id()).append(";ts=").append(s.tsMs());
      for (int i = 0; i < s.values().length; i++) {
        sb.append(';').append(profile.metrics().get(i).name()).append('=').append(s.values()[i]);
      }
      return new Publication(topic, sb.toString().getBytes(StandardCharsets.UTF_8), Map.of());
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    try (JsonGenerator g = JSON.createGenerator(out)) {
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    byte[] bytes = out.toByteArray();
    if (bad == Malformation.NOT_JSON) {
      return new Publication(topic, Arrays.copyOf(bytes, bytes.length / 2), Map.of());
    }
    return new Publication(topic, bytes, truth);
  }

  /** The metrics a consumer reads from a payload that is not broken as a whole. */
  protected Map<String, Double> truth(Sample s) {
    Map<String, Double> out = new LinkedHashMap<>();
    for (int i = 0; i < s.values().length; i++) {
      boolean broken = i == s.badMetric() && (s.bad() == Malformation.NON_NUMERIC || s.bad() == Malformation.NAN);
      if (!broken) {
        out.put(profile.metrics().get(i).name(), s.values()[i]);
      }
    }
    return out;
  }

  /** Metric {@code i} under {@code field}: its value (an integer when the metric has no decimals), or the break. */
  protected void metric(JsonGenerator g, String field, Sample s, int i) throws IOException {
    if (i == s.badMetric() && s.bad() == Malformation.NON_NUMERIC) {
      g.writeStringField(field, Malformation.NON_NUMERIC_VALUE);
    } else if (i == s.badMetric() && s.bad() == Malformation.NAN) {
      g.writeStringField(field, "NaN");
    } else {
      number(g, field, s.values()[i], profile.metrics().get(i).decimals());
    }
  }

  /** The leaf name of metric {@code i}: the part after the last dot of its (dialect) name. */
  protected String leaf(int i) {
    String name = profile.metrics().get(i).name();
    return name.substring(name.lastIndexOf('.') + 1);
  }

  /** Writes the oversized padding when the sample asks for it; call just before closing the root object. */
  protected static void padding(JsonGenerator g, Sample s) throws IOException {
    if (s.bad() == Malformation.OVERSIZED) {
      g.writeStringField("padding", "x".repeat(Malformation.OVERSIZED_BYTES));
    }
  }

  protected static void number(JsonGenerator g, String field, double v, int decimals) throws IOException {
    g.writeFieldName(field);
    if (decimals == 0) {
      g.writeNumber(Math.round(v));
    } else {
      g.writeNumber(round(v, decimals));
    }
  }

  protected static double round(double v, int decimals) {
    double f = Math.pow(10, decimals);
    return Math.round(v * f) / f;
  }

  /** Whether the sample's timestamp field is to be left out. */
  protected static boolean missingTs(Sample s) {
    return s.bad() == Malformation.MISSING_TS;
  }
}
