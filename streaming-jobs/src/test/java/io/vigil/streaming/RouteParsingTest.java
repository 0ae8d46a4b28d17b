package io.vigil.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.schemas.ParserOptions;
import io.vigil.schemas.RejectReason;
import io.vigil.schemas.TableSchemas;
import io.vigil.schemas.TelemetryParser;
import io.vigil.streaming.internal.DeltaTables;
import io.vigil.streaming.internal.JobMetrics;
import io.vigil.streaming.internal.TablesBatch;
import io.vigil.streaming.internal.TablesSink;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records parsed with the mapping of the bridge route that took them, and what the mapped
 * dialects bring besides readings: the clock of the event time, attributes and device status.
 */
class RouteParsingTest {
  private static final long NOW = Instant.parse("2026-12-07T15:00:05Z").toEpochMilli();
  private static final String Z2M = "{\"temperature\": 21.36, \"humidity\": 58.61, \"update\": {\"state\": \"idle\"},"
      + " \"update_available\": false}";
  private static final String TASMOTA = "{\"Time\": \"2026-12-07T15:00:00\", \"ENERGY\": {\"Power\": 1850, \"Voltage\": 229},"
      + " \"TempUnit\": \"C\"}";
  private static SparkSession spark;

  @TempDir Path dir;

  @BeforeAll
  static void startSpark() {
    spark = SparkSessions.local("RouteParsingTest", 2);
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  /** The job's config as a user writes it: the default parser plus two routes with presets. */
  private static StreamingJobConfig config() {
    return StreamingJobConfig.load(null, List.of("parser.routes=z2m,tasmota", "parser.routes.z2m.preset=zigbee2mqtt",
        "parser.routes.tasmota.preset=tasmota"));
  }

  private static Dataset<Row> parse(KafkaRows rows) {
    StreamingJobConfig config = config();
    return TelemetryParsing.parse(spark.createDataFrame(rows.rows(), KafkaRows.SCHEMA), config.parser(), config.routeParsers());
  }

  private static Dataset<Row> classified(Dataset<Row> parsed) {
    return TablesBatch.classify(parsed, TablesBatch.emptyWatermarks(spark), Duration.ofMinutes(10).toMillis());
  }

  @Test
  void eachRecordIsReadWithItsRoutesMappingAndOthersWithTheDefault() {
    Dataset<Row> parsed = parse(new KafkaRows()
        .viaRoute("z2m", "zigbee2mqtt/kitchen", Z2M, NOW)
        .viaRoute("tasmota", "tele/washer/SENSOR", TASMOTA, NOW)
        .add("dev-a", "{\"ts\": " + (NOW - 1_000) + ", \"t\": 1}", NOW)                 // no route header: default
        .viaRoute("telemetry", "devices/dev-b/telemetry", "{\"ts\": " + NOW + ", \"t\": 2}", NOW) // the bridge's default route
        .viaRoute("not-configured", "zigbee2mqtt/hall", Z2M, NOW));                       // unknown: default parser
    Dataset<Row> classified = classified(parsed);
    List<Row> silver = TablesBatch.silverCandidates(classified).orderBy("source_offset", "metric").collectAsList();

    assertThat(silver).extracting(r -> r.getAs("source_offset") + " " + r.getAs("device_id") + " " + r.getAs("metric") + " "
            + r.getAs("time_source"))
        .containsExactly(
            "0 kitchen humidity ARRIVAL", "0 kitchen temperature ARRIVAL", "0 kitchen update_available ARRIVAL",
            "1 washer ENERGY.Power PAYLOAD", "1 washer ENERGY.Voltage PAYLOAD",
            "2 dev-a t PAYLOAD", "3 dev-b t PAYLOAD");
    assertThat(silver.get(0).<Timestamp>getAs("event_time").getTime()).isEqualTo(NOW); // arrival time stands in
    assertThat(silver.get(3).<Timestamp>getAs("event_time").toInstant()).isEqualTo(Instant.parse("2026-12-07T15:00:00Z"));

    // The unknown route's record met the default (Vigil) parser, whose topic layout finds no device in it:
    // quarantined, not lost.
    assertThat(TelemetryParsing.toQuarantine(classified).collectAsList())
        .extracting(r -> r.getAs("source_offset") + " " + r.getAs("reason"))
        .containsExactly("4 " + RejectReason.MISSING_DEVICE_ID);

    TablesBatch.Summary summary = TablesBatch.summarize(classified);
    assertThat(summary.records()).isEqualTo(5);
    assertThat(summary.recordsPerRoute()).containsOnly(Map.entry(TablesBatch.NO_ROUTE, 1L),
        Map.entry("not-configured", 1L), Map.entry("tasmota", 1L), Map.entry("telemetry", 1L), Map.entry("z2m", 1L));
    assertThat(summary.attributes()).isEqualTo(2);
  }

  @Test
  void attributesAndDeviceStatusBecomeAttributeRowsBesideTheReadings() {
    Dataset<Row> classified = classified(parse(new KafkaRows()
        .viaRoute("z2m", "zigbee2mqtt/kitchen", Z2M, NOW)
        .viaRoute("z2m", "zigbee2mqtt/kitchen/availability", "{\"state\": \"offline\"}", NOW + 5_000)
        .viaRoute("tasmota", "tele/washer/LWT", "Offline", NOW + 6_000)));
    List<Row> attributes = TablesBatch.attributeCandidates(classified).orderBy("source_offset", "name").collectAsList();

    assertThat(attributes).extracting(r -> r.getAs("source_offset") + " " + r.getAs("device_id") + " " + r.getAs("name")
            + "=" + r.getAs("value") + " " + r.getAs("time_source"))
        .containsExactly("0 kitchen update.state=idle ARRIVAL",
            "1 kitchen " + TableSchemas.CONNECTION_ATTRIBUTE + "=OFFLINE ARRIVAL",
            "2 washer " + TableSchemas.CONNECTION_ATTRIBUTE + "=OFFLINE ARRIVAL");
    assertThat(attributes.get(1).<Timestamp>getAs("event_time").getTime()).isEqualTo(NOW + 5_000);
    assertThat(TelemetryParsingTest.namesAndTypes(TablesBatch.attributeCandidates(classified).schema()))
        .isEqualTo(TelemetryParsingTest.namesAndTypes(TableSchemas.ATTRIBUTES));

    // The device watch sees the statuses (and one sign of life per message), not the attributes.
    List<Row> watch = DeviceWatchStream.readings(classified, config().deviceWatchSettings())
        .orderBy("arrival_ms").collectAsList();
    assertThat(watch).extracting(r -> r.getAs("device_id") + " " + r.getAs("status") + " " + r.getAs("measurement_index"))
        .containsExactly("kitchen null 0", "kitchen OFFLINE null", "washer OFFLINE null");
  }

  @Test
  void theTablesQueryWritesAttributesOnceAndCountsRecordsPerRoute() {
    TablesSink.Paths paths = new TablesSink.Paths(path("bronze"), path("silver"), path("late_data"), path("quarantine"),
        path("attributes"));
    DeltaTables.createIfNotExists(spark, paths.bronze(), TableSchemas.BRONZE, "ingest_date");
    DeltaTables.createIfNotExists(spark, paths.silver(), TableSchemas.SILVER, "event_date");
    DeltaTables.createIfNotExists(spark, paths.lateData(), TableSchemas.LATE_DATA, "event_date");
    DeltaTables.createIfNotExists(spark, paths.quarantine(), TableSchemas.QUARANTINE, "ingest_date");
    DeltaTables.createIfNotExists(spark, paths.attributes(), TableSchemas.ATTRIBUTES, "event_date");
    JobMetrics metrics = new JobMetrics();
    StreamingJobConfig config = config();
    TablesSink sink = new TablesSink(paths, config.parser(), config.routeParsers(), Duration.ofMinutes(10).toMillis(),
        path("cp"), metrics);
    KafkaRows batch0 = new KafkaRows()
        .viaRoute("tasmota", "tele/washer/SENSOR", TASMOTA, NOW)
        .viaRoute("tasmota", "tele/washer/LWT", "Offline", NOW + 1_000)
        .viaRoute("elsewhere", "devices/dev-a/telemetry", "{\"ts\": " + NOW + ", \"t\": 1}", NOW)
        .viaRoute("telemetry", "devices/dev-b/telemetry", "{\"ts\": " + NOW + ", \"u\": 1}", NOW); // the bridge's default route
    sink.call(spark.createDataFrame(batch0.rows(), KafkaRows.SCHEMA), 0L);
    assertThat(metrics.routeRecords("tasmota")).isEqualTo(2);
    assertThat(metrics.routeRecords("elsewhere")).isEqualTo(1);
    assertThat(metrics.counter("unknown_route_records")).as("elsewhere; telemetry is the bridge's default route").isEqualTo(1);
    assertThat(metrics.render()).contains("vigil_stream_route_records_total{route=\"tasmota\"} 2",
        "vigil_stream_unknown_route_records_total 1");
    sink.call(spark.createDataFrame(batch0.rows(), KafkaRows.SCHEMA), 0L); // Spark replays the batch
    // The same reading redelivered in a later batch at a new offset.
    sink.call(spark.createDataFrame(new KafkaRows().startingAt(4)
        .viaRoute("tasmota", "tele/washer/SENSOR", TASMOTA, NOW + 3_000).rows(), KafkaRows.SCHEMA), 1L);

    List<Row> attributes = spark.read().format("delta").load(paths.attributes()).orderBy("name").collectAsList();
    assertThat(attributes).extracting(r -> r.getAs("device_id") + " " + r.getAs("name") + "=" + r.getAs("value"))
        .containsExactly("washer TempUnit=C", "washer " + TableSchemas.CONNECTION_ATTRIBUTE + "=OFFLINE");
    List<Row> silver = spark.read().format("delta").load(paths.silver()).orderBy("metric").collectAsList();
    assertThat(silver).extracting(r -> r.getAs("metric") + " " + r.getAs("time_source"))
        .containsExactly("ENERGY.Power PAYLOAD", "ENERGY.Voltage PAYLOAD", "t PAYLOAD", "u PAYLOAD");
    assertThat(metrics.lastTableRows("tables")).containsEntry("attributes", 0L); // the redelivery wrote nothing new
  }

  private String path(String name) {
    return dir.resolve(name).toString();
  }
}
