package io.vigil.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.schemas.ParserOptions;
import io.vigil.schemas.RejectReason;
import io.vigil.schemas.TableSchemas;
import io.vigil.schemas.TelemetryParser;
import io.vigil.streaming.internal.TablesBatch;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class TelemetryParsingTest {
  private static final long NOW = Instant.parse("2024-05-01T12:00:00Z").toEpochMilli();
  private static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    spark = SparkSessions.local("TelemetryParsingTest", 2);
  }

  @AfterAll
  static void stopSpark() {
    spark.stop();
  }

  private static Dataset<Row> kafka(KafkaRows rows) {
    return spark.createDataFrame(rows.rows(), KafkaRows.SCHEMA);
  }

  @Test
  void mixedRecordsBecomeSilverRowsOrQuarantineRowsAndNothingIsLost() {
    KafkaRows rows = new KafkaRows()
        .add("dev-a", "{\"ts\": " + (NOW - 1000) + ", \"temperature\": 21.5, \"humidity\": 40}", NOW)
        .add("dev-b", "{\"ts\": \"2024-05-01T11:59:59Z\", \"metrics\": {\"pressure\": 1013.2}, \"seq\": 7}", NOW)
        .add("dev-c", "not json", NOW)
        .add("dev-c", "{\"temperature\": 20}", NOW) // no timestamp
        .add("dev-d", "{\"ts\": " + NOW + ", \"temperature\": \"warm\"}", NOW)
        .add("dev-e", "", NOW)
        .add("x", "wrong/topic", "{\"ts\": 1, \"t\": 1}".getBytes(StandardCharsets.UTF_8), NOW);
    Dataset<Row> parsed = TelemetryParsing.parse(kafka(rows), new TelemetryParser(ParserOptions.defaults()));

    List<Row> silver = silver(parsed).orderBy("device_id", "metric").collectAsList();
    List<Row> quarantine = TelemetryParsing.toQuarantine(parsed).orderBy("source_offset").collectAsList();

    assertThat(silver).extracting(r -> r.getAs("device_id") + "/" + r.getAs("metric") + "=" + r.getAs("value"))
        .containsExactly("dev-a/humidity=40.0", "dev-a/temperature=21.5", "dev-b/pressure=1013.2");
    Row pressure = silver.get(2);
    assertThat(pressure.<String>getAs("message_id")).isEqualTo("7");
    assertThat(pressure.<java.sql.Timestamp>getAs("event_time").toInstant()).isEqualTo(Instant.parse("2024-05-01T11:59:59Z"));
    assertThat(pressure.<java.sql.Date>getAs("event_date").toString()).isEqualTo("2024-05-01");
    assertThat(pressure.<String>getAs("measurement_id")).isNotBlank();
    assertThat(pressure.<Long>getAs("source_offset")).isEqualTo(1L);

    assertThat(quarantine).extracting(r -> r.<Long>getAs("source_offset") + ":" + r.getAs("reason"))
        .containsExactly("2:" + RejectReason.NOT_JSON, "3:" + RejectReason.MISSING_TIMESTAMP,
            "4:" + RejectReason.NON_NUMERIC_METRIC, "5:" + RejectReason.EMPTY_PAYLOAD, "6:" + RejectReason.MISSING_DEVICE_ID);
    Row notJson = quarantine.get(0);
    assertThat(new String(notJson.<byte[]>getAs("payload"), StandardCharsets.UTF_8)).isEqualTo("not json");
    assertThat(notJson.<String>getAs("device_id")).isEqualTo("dev-c");
    assertThat(notJson.<String>getAs("mqtt_topic")).isEqualTo("devices/dev-c/telemetry");
    assertThat(notJson.<String>getAs("message")).isNotBlank();
    assertThat(quarantine.get(2).<String>getAs("field")).isEqualTo("temperature");

    // Every Kafka offset is accounted for by silver or quarantine.
    List<Long> accounted = new java.util.ArrayList<>();
    silver.forEach(r -> accounted.add(r.getAs("source_offset")));
    quarantine.forEach(r -> accounted.add(r.getAs("source_offset")));
    assertThat(accounted.stream().distinct().sorted()).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L);
  }

  @Test
  void outputsHaveTheSharedTableSchemas() {
    Dataset<Row> parsed = TelemetryParsing.parse(kafka(new KafkaRows().add("dev-a", "{\"ts\": 1714564800000, \"t\": 1}", NOW)),
        new TelemetryParser(ParserOptions.defaults()));
    assertThat(namesAndTypes(silver(parsed).schema()))
        .isEqualTo(namesAndTypes(TableSchemas.SILVER));
    assertThat(namesAndTypes(TelemetryParsing.toQuarantine(parsed).schema()))
        .isEqualTo(namesAndTypes(TableSchemas.QUARANTINE));
  }

  @Test
  void lenientModeKeepsGoodMetricsAndQuarantinesTheBadField() {
    Dataset<Row> parsed = TelemetryParsing.parse(
        kafka(new KafkaRows().add("dev-a", "{\"ts\": " + NOW + ", \"t\": 1.5, \"h\": \"high\"}", NOW)),
        new TelemetryParser(ParserOptions.defaults().withStrict(false)));
    assertThat(silver(parsed).collectAsList())
        .extracting(r -> r.<String>getAs("metric")).containsExactly("t");
    assertThat(TelemetryParsing.toQuarantine(parsed).collectAsList())
        .extracting(r -> r.getAs("reason") + "@" + r.getAs("field"))
        .containsExactly(RejectReason.NON_NUMERIC_METRIC + "@h");
  }

  @Test
  void theSummaryCountsKafkaRecordsNotRows() {
    Dataset<Row> parsed = TelemetryParsing.parse(kafka(new KafkaRows()
            .add("dev-a", "{\"ts\": " + (NOW - 5) + ", \"t\": 1, \"h\": 2, \"p\": 3}", NOW)
            .add("dev-a", "broken", NOW + 1)),
        new TelemetryParser(ParserOptions.defaults()));
    TablesBatch.Summary summary = TablesBatch.summarize(classified(parsed));
    assertThat(summary.records()).isEqualTo(2);
    assertThat(summary.silver()).isEqualTo(3);
    assertThat(summary.quarantine()).isEqualTo(1);
    assertThat(summary.silverFromMs()).isEqualTo(NOW - 5);
    assertThat(summary.silverToMs()).isEqualTo(NOW - 5);
  }

  @Test
  void lenientFieldRejectionsDoNotCountAsExtraRecords() {
    Dataset<Row> parsed = TelemetryParsing.parse(
        kafka(new KafkaRows().add("dev-a", "{\"ts\": " + NOW + ", \"t\": 1.5, \"h\": \"high\", \"w\": \"x\"}", NOW)),
        new TelemetryParser(ParserOptions.defaults().withStrict(false)));
    TablesBatch.Summary summary = TablesBatch.summarize(classified(parsed));
    assertThat(summary.records()).isEqualTo(1);
    assertThat(summary.quarantine()).isEqualTo(2);
  }

  @Test
  void duplicatesInOneBatchCollapseToOneSilverRow() {
    String payload = "{\"ts\": " + NOW + ", \"msgId\": \"m-1\", \"t\": 1}";
    Dataset<Row> parsed = TelemetryParsing.parse(kafka(new KafkaRows()
        .add("dev-a", payload, NOW).add("dev-a", payload, NOW + 10).add("dev-a", payload, NOW + 20)),
        new TelemetryParser(ParserOptions.defaults()));
    assertThat(silver(parsed).count()).isEqualTo(1);
  }

  @Test
  void bronzeRowsParseLikeTheKafkaRowsTheyCameFromAndARepeatedHeaderKeepsItsLastValue() {
    KafkaRows rows = new KafkaRows()
        .add("dev-a", "{\"ts\": " + (NOW - 1000) + ", \"temperature\": 21.5}", NOW)
        .add(null, null, "{\"ts\": 1, \"t\": 1}".getBytes(StandardCharsets.UTF_8), NOW)
        .add("dev-b", "not json", NOW);
    List<Row> withRepeat = new java.util.ArrayList<>(rows.rows());
    // The bridge's MQTT topic header twice (a proxy re-stamped it): the last one counts, as in Kafka's lastHeader.
    Row first = withRepeat.get(0);
    List<Row> headers = new java.util.ArrayList<>(scala.collection.JavaConverters.seqAsJavaList(first.getSeq(7)));
    headers.add(0, org.apache.spark.sql.RowFactory.create(io.vigil.schemas.KafkaHeaders.MQTT_TOPIC,
        "devices/stale/telemetry".getBytes(StandardCharsets.UTF_8)));
    headers.add(org.apache.spark.sql.RowFactory.create(io.vigil.schemas.KafkaHeaders.MQTT_TOPIC,
        "devices/dev-z/telemetry".getBytes(StandardCharsets.UTF_8)));
    withRepeat.set(0, org.apache.spark.sql.RowFactory.create(first.get(0), first.get(1), first.get(2), first.get(3),
        first.get(4), first.get(5), first.get(6), scala.collection.JavaConverters.asScalaBuffer(headers).toSeq()));
    Dataset<Row> kafka = spark.createDataFrame(withRepeat, KafkaRows.SCHEMA);
    TelemetryParser parser = new TelemetryParser(ParserOptions.defaults());

    Dataset<Row> bronze = TablesBatch.bronze(kafka, NOW);
    assertThat(bronze.orderBy("offset").first().<String, String>getJavaMap(bronze.schema().fieldIndex("headers")))
        .containsEntry(io.vigil.schemas.KafkaHeaders.MQTT_TOPIC, "devices/dev-z/telemetry");
    List<String> fromKafka = described(TelemetryParsing.parse(kafka, parser));
    List<String> fromBronze = described(TelemetryParsing.parse(bronze, parser));
    assertThat(fromBronze).isEqualTo(fromKafka);
    assertThat(fromKafka).containsExactly(
        "0 devices/dev-z/telemetry dev-z temperature " + (NOW - 1000) + " arrival " + NOW + " null",
        "1 null null null null arrival " + NOW + " MISSING_DEVICE_ID",
        "2 devices/dev-b/telemetry dev-b null null arrival " + NOW + " NOT_JSON");
  }

  private static List<String> described(Dataset<Row> parsed) {
    return parsed.orderBy("source_offset", "measurement_index").collectAsList().stream()
        .map(r -> r.getAs("source_offset") + " " + r.getAs("mqtt_topic") + " " + r.getAs("device_id") + " " + r.getAs("metric")
            + " " + r.getAs("event_ms") + " arrival " + r.getAs("arrival_ms") + " " + r.getAs("reason"))
        .toList();
  }

  private static Dataset<Row> classified(Dataset<Row> parsed) {
    return TablesBatch.classify(parsed, TablesBatch.emptyWatermarks(spark), Duration.ofMinutes(10).toMillis());
  }

  /** Silver rows as the tables query writes them for a first batch. */
  private static Dataset<Row> silver(Dataset<Row> parsed) {
    return TablesBatch.silverCandidates(classified(parsed));
  }

  static Map<String, String> namesAndTypes(StructType schema) {
    return Arrays.stream(schema.fields()).collect(Collectors.toMap(StructField::name, f -> f.dataType().simpleString(),
        (a, b) -> a, java.util.LinkedHashMap::new));
  }
}
