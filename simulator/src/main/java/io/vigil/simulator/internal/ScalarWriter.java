package io.vigil.simulator.internal;

import io.vigil.simulator.Dialect;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One bare value per metric, the metric in the topic: ESPHome's {@code <node>/sensor/<object_id>/state}
 * (esphome.io, MQTT client component: the state topic of a sensor, its value formatted with the sensor's
 * accuracy decimals; {@code binary_sensor} states {@code ON}/{@code OFF}) and Home Assistant's
 * statestream {@code <base_topic>/<domain>/<object_id>/state} (home-assistant.io, MQTT Statestream: the
 * entity's state string; binary sensors {@code on}/{@code off}). The device id is the node name / the
 * statestream base topic (one Home Assistant per site). No timestamp.
 *
 * <p>A {@code binary_sensor/motion} is published only when it changes, as both do.
 */
final class ScalarWriter implements DialectWriter {
  private final DeviceProfile profile;
  private final SplittableRandom extras;
  private final boolean esphome;
  private boolean motion;

  ScalarWriter(DeviceProfile profile, SplittableRandom extras) {
    this.profile = profile;
    this.extras = extras;
    this.esphome = profile.dialect() == Dialect.ESPHOME;
  }

  @Override
  public List<Publication> write(Sample s) {
    double flip = extras.nextDouble();
    List<Publication> out = new ArrayList<>(s.values().length + 1);
    for (int i = 0; i < s.values().length; i++) {
      MetricModel m = profile.metrics().get(i);
      // ESPHome's metric is the object id; statestream's the entity id, sensor.<object id>.
      String topic = profile.id() + "/" + (esphome ? "sensor/" + m.name() : m.name().replace('.', '/')) + "/state";
      if (i == s.badMetric() && s.bad() != null) {
        out.add(new Publication(topic, broken(s.bad(), s.values()[i], m.decimals()), Map.of()));
      } else {
        out.add(new Publication(topic, bytes(format(s.values()[i], m.decimals())), Map.of(m.name(), s.values()[i])));
      }
    }
    if (flip < 0.1) {
      motion = !motion;
      String state = esphome ? (motion ? "ON" : "OFF") : (motion ? "on" : "off");
      out.add(new Publication(profile.id() + "/binary_sensor/motion/state", bytes(state), Map.of()));
    }
    return out;
  }

  /** ESPHome writes exactly the accuracy decimals (21.50); Home Assistant's state is the plain number (21.5). */
  private String format(double v, int decimals) {
    BigDecimal d = BigDecimal.valueOf(v).setScale(decimals, RoundingMode.HALF_UP);
    return esphome ? d.toPlainString() : (decimals == 0 ? d.toPlainString() : d.stripTrailingZeros().toPlainString());
  }

  private byte[] broken(Malformation bad, double v, int decimals) {
    return switch (bad) {
      case EMPTY -> new byte[0];
      // A value with its unit, as a hand-written template sends it.
      case NOT_JSON -> bytes(format(v, decimals) + " units");
      case NAN -> bytes(esphome ? "nan" : "unknown");
      case OVERSIZED -> bytes("x".repeat(Malformation.OVERSIZED_BYTES));
      default -> bytes(esphome ? Malformation.NON_NUMERIC_VALUE : "unavailable");
    };
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
