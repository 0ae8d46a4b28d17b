package io.vigil.schemas;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.Map;
import org.eclipse.tahu.protobuf.SparkplugBProto.Payload;
import org.eclipse.tahu.protobuf.SparkplugBProto.Payload.Metric;
import org.junit.jupiter.api.Test;

/** The bridge's alias memory, and its header read back by the parser. */
class SparkplugAliasTableTest {
  static final String NBIRTH = "spBv1.0/Plant1/NBIRTH/Edge-01";
  static final String NDATA = "spBv1.0/Plant1/NDATA/Edge-01";
  static final String DBIRTH = "spBv1.0/Plant1/DBIRTH/Edge-01/Pump 7";
  static final String DDATA = "spBv1.0/Plant1/DDATA/Edge-01/Pump 7";
  static final TelemetryParser PARSER = new TelemetryParser(ParserOptions.defaults().withPreset(SparkplugB.PRESET));

  final SparkplugAliasTable table = new SparkplugAliasTable();

  @Test
  void aDataMessageGetsTheNamesOfItsAliasesFromTheBirth() throws IOException {
    assertThat(table.observe(NBIRTH, SparkplugParserTest.resource("nbirth.pb")).header()).isEmpty();
    byte[] data = SparkplugParserTest.resource("ndata-alias-only.pb");
    SparkplugAliasTable.Lookup lookup = table.observe(NDATA, data);

    assertThat(lookup.unknownAlias()).isFalse();
    assertThat(lookup.header()).contains("{\"1\":{\"name\":\"Supply Voltage\",\"datatype\":9},\"2\":{\"name\":\"Uptime\",\"datatype\":7}}");
    ParseResult r = PARSER.parse(NDATA, data, SparkplugCorpus.ARRIVAL, Map.of(KafkaHeaders.SPARKPLUG_ALIASES, lookup.header().get()));
    assertThat(r.measurements()).extracting(Measurement::metric).containsExactly("Supply_Voltage", "Uptime");
  }

  @Test
  void anAliasNoBirthDefinedIsFlaggedWithItsNode() {
    SparkplugAliasTable.Lookup lookup = table.observe(DDATA, data(Metric.newBuilder().setAlias(10).setDoubleValue(1)));

    assertThat(lookup.unknownAlias()).isTrue();
    assertThat(lookup.header()).isEmpty();
    assertThat(lookup.group()).isEqualTo("Plant1");
    assertThat(lookup.edgeNode()).isEqualTo("Edge-01");
  }

  @Test
  void aDeviceUsesItsOwnBirthAndANewNodeBirthForgetsItsDevices() throws IOException {
    table.observe(NBIRTH, SparkplugParserTest.resource("nbirth.pb"));
    table.observe(DBIRTH, SparkplugParserTest.resource("dbirth.pb"));
    byte[] byAlias10 = data(Metric.newBuilder().setAlias(10).setDoubleValue(2.9));
    assertThat(table.observe(DDATA, byAlias10).header()).contains("{\"10\":{\"name\":\"Inputs/Pressure\",\"datatype\":10}}");
    assertThat(table.observe(NDATA, byAlias10).unknownAlias()).as("alias 10 is the device's, not the node's").isTrue();

    table.observe(NBIRTH, SparkplugParserTest.resource("nbirth.pb"));

    assertThat(table.observe(DDATA, byAlias10).unknownAlias()).as("a new session until the DBIRTH comes again").isTrue();
    assertThat(table.senders()).isEqualTo(1);
  }

  @Test
  void anNdeathNamesTheDevicesBornInItsSessionAndNotDeadSinceAndTheParserMarksEachOffline() throws IOException {
    String otherDbirth = "spBv1.0/Plant1/DBIRTH/Edge-01/Valve 2";
    String thirdDbirth = "spBv1.0/Plant1/DBIRTH/Edge-01/Fan";
    String ndeath = "spBv1.0/Plant1/NDEATH/Edge-01";
    table.observe(DBIRTH, SparkplugParserTest.resource("dbirth.pb")); // of the previous session: forgotten by the NBIRTH
    table.observe(NBIRTH, SparkplugParserTest.resource("nbirth.pb"));
    table.observe(DBIRTH, SparkplugParserTest.resource("dbirth.pb"));
    table.observe(otherDbirth, SparkplugParserTest.resource("dbirth.pb"));
    table.observe(thirdDbirth, SparkplugParserTest.resource("dbirth.pb"));
    assertThat(table.observe("spBv1.0/Plant1/DDEATH/Edge-01/Fan", data()).devices()).isEmpty();
    byte[] death = Payload.newBuilder().addMetrics(Metric.newBuilder().setName("bdSeq").setLongValue(3)).build().toByteArray();

    SparkplugAliasTable.Lookup lookup = table.observe(ndeath, death);

    assertThat(lookup.devices()).contains("[\"Pump 7\",\"Valve 2\"]");
    ParseResult r = PARSER.parse(ndeath, death, SparkplugCorpus.ARRIVAL, Map.of(KafkaHeaders.SPARKPLUG_DEVICES, lookup.devices().get()));
    assertThat(r.deviceId()).contains("Plant1:Edge-01");
    assertThat(r.deviceStatus()).hasValueSatisfying(s -> assertThat(s.state()).isEqualTo(DeviceStatus.State.OFFLINE));
    assertThat(r.relatedStatuses()).containsOnlyKeys("Plant1:Edge-01:Pump_7", "Plant1:Edge-01:Valve_2");
    assertThat(r.relatedStatuses().values()).allSatisfy(s -> {
      assertThat(s.state()).isEqualTo(DeviceStatus.State.OFFLINE);
      assertThat(s.atMillis()).isEqualTo(SparkplugCorpus.ARRIVAL); // a will: the node went away when it arrived
      assertThat(s.detail()).isEqualTo("NDEATH of edge node Plant1:Edge-01 bdSeq=3");
    });
    assertThat(table.observe(ndeath, death).devices()).as("a repeated NDEATH: the devices are already down").isEmpty();
    assertThat(PARSER.parse(ndeath, death, SparkplugCorpus.ARRIVAL).relatedStatuses())
        .as("a record without the header (bridged before it existed)").isEmpty();
  }

  @Test
  void messagesThatNameTheirMetricsOrAreNoDataNeedNothing() throws IOException {
    table.observe(NBIRTH, SparkplugParserTest.resource("nbirth.pb"));
    assertThat(table.observe(DDATA, SparkplugParserTest.resource("ddata-names.pb"))).isEqualTo(new SparkplugAliasTable.Lookup(java.util.Optional.empty(), false, "Plant1", "Edge-01"));
    assertThat(table.observe(NDATA, new byte[] {1, 2, 3}).header()).isEmpty();
    assertThat(table.observe("spBv1.0/STATE/host", new byte[] {1}).header()).isEmpty();
    assertThat(table.observe("devices/x/telemetry", new byte[] {1}).header()).isEmpty();
  }

  private static byte[] data(Metric.Builder... metrics) {
    Payload.Builder p = Payload.newBuilder().setTimestamp(SparkplugCorpus.DATA_TS);
    for (Metric.Builder m : metrics) {
      p.addMetrics(m);
    }
    return p.build().toByteArray();
  }
}
