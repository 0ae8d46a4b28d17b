package io.vigil.simulator.internal;

import io.vigil.simulator.Dialect;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.tahu.protobuf.SparkplugBProto.DataType;
import org.eclipse.tahu.protobuf.SparkplugBProto.Payload;
import org.eclipse.tahu.protobuf.SparkplugBProto.Payload.Metric;

/**
 * A Sparkplug B device (Eclipse Sparkplug 3.0) behind an edge node of its own, {@code spBv1.0/<group>/<type>/<node>[/<device>]}
 * with protobuf payloads (Eclipse Tahu's classes, as the shared parser reads them):
 * <ul>
 *   <li>before the first reading, the node's NBIRTH ({@code seq} 0, metrics {@code bdSeq} and
 *       {@code Node Control/Rebirth}) and the device's DBIRTH defining every metric with its name, alias,
 *       datatype and the first reading's value;
 *   <li>each reading as a DDATA whose metrics carry only alias, value and timestamp (Sparkplug's way to keep
 *       DATA small: the names come from the BIRTH);
 *   <li>a DDEATH when the device dies.
 * </ul>
 * {@code seq} counts every message of the node, 0 to 255 and round again; {@code bdSeq} is 0, the node's
 * first session (it would count reconnects, and the simulator connects once). One node per device keeps
 * {@code seq} in publish order: the simulator writes each device's stream on its own.
 */
final class SparkplugWriter implements DialectWriter {
  private static final String NAMESPACE = "spBv1.0";
  /** Aliases start here (any unique number works; 0 stays free, as Tahu's examples keep it). */
  private static final long FIRST_ALIAS = 1;

  private final DeviceProfile profile;
  private final String node;
  private final String device;
  private long seq;

  SparkplugWriter(DeviceProfile profile) {
    this.profile = profile;
    String[] parts = profile.id().split(":");
    this.node = parts[1];
    this.device = parts[2];
  }

  @Override
  public List<Publication> start(Sample first) {
    long ts = first.tsMs();
    Payload.Builder nbirth = Payload.newBuilder().setTimestamp(ts)
        .addMetrics(Metric.newBuilder().setName("bdSeq").setTimestamp(ts).setDatatype(DataType.Int64_VALUE).setLongValue(0))
        .addMetrics(Metric.newBuilder().setName("Node Control/Rebirth").setTimestamp(ts).setDatatype(DataType.Boolean_VALUE)
            .setBooleanValue(false));
    Payload.Builder dbirth = Payload.newBuilder().setTimestamp(ts);
    Map<String, Double> truth = new LinkedHashMap<>();
    for (int i = 0; i < first.values().length; i++) {
      String name = profile.metrics().get(i).name();
      dbirth.addMetrics(Metric.newBuilder().setName(sparkplugName(name)).setAlias(FIRST_ALIAS + i).setTimestamp(ts)
          .setDatatype(DataType.Double_VALUE).setDoubleValue(first.values()[i]));
      truth.put(name, first.values()[i]);
    }
    return List.of(new Publication(topic("NBIRTH", false), sequenced(nbirth), Map.of()),
        new Publication(topic("DBIRTH", true), sequenced(dbirth), truth));
  }

  @Override
  public List<Publication> write(Sample s) {
    Malformation bad = s.bad();
    if (bad == Malformation.EMPTY) {
      return List.of(new Publication(topic("DDATA", true), new byte[0], Map.of()));
    }
    boolean timeless = bad == Malformation.MISSING_TS;
    long ts = s.reportedMs();
    Payload.Builder ddata = Payload.newBuilder();
    if (!timeless) {
      ddata.setTimestamp(ts);
    }
    Map<String, Double> truth = new LinkedHashMap<>();
    for (int i = 0; i < s.values().length; i++) {
      Metric.Builder m = Metric.newBuilder().setAlias(FIRST_ALIAS + i);
      if (!timeless) {
        m.setTimestamp(ts);
      }
      boolean broken = i == s.badMetric() && (bad == Malformation.NON_NUMERIC || bad == Malformation.NAN);
      if (broken && bad == Malformation.NON_NUMERIC) {
        // A device that reports an error text in place of the number: a String, so no reading.
        m.setDatatype(DataType.String_VALUE).setStringValue(Malformation.NON_NUMERIC_VALUE);
      } else {
        m.setDoubleValue(broken ? Double.NaN : s.values()[i]);
      }
      if (!broken) {
        truth.put(profile.metrics().get(i).name(), s.values()[i]);
      }
      ddata.addMetrics(m);
    }
    if (bad == Malformation.OVERSIZED) {
      ddata.addMetrics(Metric.newBuilder().setName("Properties/padding").setDatatype(DataType.String_VALUE)
          .setStringValue("x".repeat(Malformation.OVERSIZED_BYTES)));
    }
    byte[] bytes = sequenced(ddata);
    if (bad == Malformation.NOT_JSON) {
      // Cut short by a byte: the last field (seq) loses its value, so no protobuf reader takes it.
      return List.of(new Publication(topic("DDATA", true), Arrays.copyOf(bytes, bytes.length - 1), Map.of()));
    }
    return List.of(new Publication(topic("DDATA", true), bytes, truth));
  }

  @Override
  public List<Publication> death(long atMs) {
    return List.of(new Publication(topic("DDEATH", true), sequenced(Payload.newBuilder().setTimestamp(atMs)), Map.of()));
  }

  /** The payload with the node's next sequence number. */
  private byte[] sequenced(Payload.Builder payload) {
    byte[] bytes = payload.setSeq(seq).build().toByteArray();
    seq = (seq + 1) % 256;
    return bytes;
  }

  private String topic(String type, boolean ofDevice) {
    return NAMESPACE + "/" + DialectWriters.SPARKPLUG_GROUP + "/" + type + "/" + node + (ofDevice ? "/" + device : "");
  }

  /** The Sparkplug name of a metric the lake shows as {@code Sensors.temperature}: {@code Sensors/temperature}. */
  private static String sparkplugName(String lakeName) {
    return lakeName.replace('.', '/');
  }
}
