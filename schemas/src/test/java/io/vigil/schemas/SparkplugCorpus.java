package io.vigil.schemas;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.tahu.protobuf.SparkplugBProto.DataType;
import org.eclipse.tahu.protobuf.SparkplugBProto.Payload;
import org.eclipse.tahu.protobuf.SparkplugBProto.Payload.DataSet;
import org.eclipse.tahu.protobuf.SparkplugBProto.Payload.Metric;

/**
 * Builds the Sparkplug B fixture corpus (src/test/resources/payloads/sparkplug-b/*.pb) with Eclipse
 * Tahu's protobuf classes, shaped after the Sparkplug 3.0 specification's examples: an edge node
 * with a pump behind it. The expected results are in cases.json next to the files;
 * SparkplugParserTest checks the committed files are exactly what this builds. Regenerate with
 * {@link #main} (argument: the directory; the test classpath, as SparkplugParserTest runs it).
 */
final class SparkplugCorpus {
  private SparkplugCorpus() {}

  /** Payload times: the edge node's clock, a little before the arrival time the tests use. */
  static final long ARRIVAL = 1_795_000_000_000L;
  static final long BIRTH_TS = ARRIVAL - 60_000;
  static final long DATA_TS = ARRIVAL - 1_000;
  static final long CONNECT_TS = ARRIVAL - 3_600_000;

  static Map<String, byte[]> build() {
    Map<String, byte[]> files = new LinkedHashMap<>();
    files.put("nbirth.pb", Payload.newBuilder().setTimestamp(BIRTH_TS).setSeq(0)
        .addMetrics(metric("bdSeq", DataType.UInt64).setLongValue(3))
        .addMetrics(metric("Node Control/Rebirth", DataType.Boolean).setBooleanValue(false))
        .addMetrics(metric("Node Control/Scan Rate", DataType.Int64).setLongValue(1000))
        .addMetrics(metric("Properties/Hardware Make", DataType.String).setStringValue("Raspberry Pi 4"))
        .addMetrics(metric("Properties/Firmware", DataType.String).setStringValue("2.1.0"))
        .addMetrics(metric("Supply Voltage", DataType.Float).setAlias(1).setFloatValue(24.5f))
        .addMetrics(metric("Uptime", DataType.UInt32).setAlias(2).setIntValue(3600))
        .addMetrics(metric("Cabinet Door", DataType.Boolean).setAlias(3).setBooleanValue(false))
        .addMetrics(metric("Config", DataType.DataSet).setAlias(4).setDatasetValue(DataSet.newBuilder()
            .setNumOfColumns(1).addColumns("k").addTypes(DataType.String_VALUE)))
        .build().toByteArray());
    files.put("dbirth.pb", Payload.newBuilder().setTimestamp(BIRTH_TS + 10).setSeq(1)
        .addMetrics(metric("Inputs/Pressure", DataType.Double).setAlias(10).setDoubleValue(2.4))
        .addMetrics(metric("Inputs/Temperature", DataType.Int16).setAlias(11).setIntValue(-12))
        .addMetrics(metric("Outputs/Running", DataType.Boolean).setAlias(12).setBooleanValue(true))
        .addMetrics(metric("Mode", DataType.String).setAlias(13).setStringValue("AUTO"))
        .addMetrics(metric("Strokes", DataType.UInt64).setAlias(14).setLongValue(-1L)) // 2^64 - 1
        .addMetrics(metric("Setpoint", DataType.Float).setAlias(15).setIsNull(true))
        .build().toByteArray());
    // Sparkplug's bandwidth saving: after the BIRTH, DATA names metrics by alias only and omits the datatype.
    files.put("ndata-alias-only.pb", Payload.newBuilder().setTimestamp(DATA_TS).setSeq(2)
        .addMetrics(Metric.newBuilder().setAlias(1).setFloatValue(24.25f))
        .addMetrics(Metric.newBuilder().setAlias(2).setIntValue(3660))
        .build().toByteArray());
    files.put("ddata-names.pb", Payload.newBuilder().setTimestamp(DATA_TS).setSeq(3)
        .addMetrics(metric("Inputs/Pressure", DataType.Double).setDoubleValue(2.6))
        .addMetrics(metric("Outputs/Running", DataType.Boolean).setBooleanValue(false))
        .addMetrics(metric("Inputs/Temperature", DataType.Int16).setIntValue(0xFFF6)) // -10, zero-extended
        .build().toByteArray());
    // A historical reading (store and forward) carries its own metric timestamp.
    files.put("ddata-metric-timestamp.pb", Payload.newBuilder().setTimestamp(DATA_TS).setSeq(4)
        .addMetrics(metric("Inputs/Pressure", DataType.Double).setTimestamp(DATA_TS - 30_000).setIsHistorical(true).setDoubleValue(2.5))
        .addMetrics(metric("Inputs/Pressure", DataType.Double).setDoubleValue(2.7))
        .build().toByteArray());
    files.put("ddata-string.pb", Payload.newBuilder().setTimestamp(DATA_TS).setSeq(5)
        .addMetrics(metric("Mode", DataType.String).setTimestamp(DATA_TS - 5).setStringValue("MANUAL"))
        .build().toByteArray());
    files.put("ndata-no-timestamp.pb", Payload.newBuilder().setSeq(6)
        .addMetrics(metric("Cabinet Door", DataType.Boolean).setBooleanValue(true))
        .build().toByteArray());
    files.put("ddata-template-only.pb", Payload.newBuilder().setTimestamp(DATA_TS).setSeq(7)
        .addMetrics(metric("Motor", DataType.Template).setTemplateValue(Payload.Template.newBuilder().setTemplateRef("MotorType")))
        .build().toByteArray());
    files.put("ddeath.pb", Payload.newBuilder().setTimestamp(DATA_TS + 500).setSeq(8).build().toByteArray());
    // The NDEATH is the MQTT will, registered at connect time: its timestamp is the connect time.
    files.put("ndeath.pb", Payload.newBuilder().setTimestamp(CONNECT_TS)
        .addMetrics(metric("bdSeq", DataType.UInt64).setLongValue(3))
        .build().toByteArray());
    byte[] whole = files.get("dbirth.pb");
    files.put("malformed-truncated.pb", Arrays.copyOf(whole, whole.length - 7));
    return files;
  }

  private static Metric.Builder metric(String name, DataType type) {
    return Metric.newBuilder().setName(name).setDatatype(type.getNumber());
  }

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "schemas/src/test/resources/payloads/sparkplug-b");
    Files.createDirectories(dir);
    for (Map.Entry<String, byte[]> e : build().entrySet()) {
      Files.write(dir.resolve(e.getKey()), e.getValue());
    }
  }
}
