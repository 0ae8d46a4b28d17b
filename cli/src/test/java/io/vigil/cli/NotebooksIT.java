package io.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.batch.ForecastJob;
import io.vigil.batch.ForecastJobConfig;
import io.vigil.batch.ForecastRunSummary;
import io.vigil.batch.ScoreJob;
import io.vigil.schemas.AnomalyEvent;
import io.vigil.schemas.AnomalyKind;
import io.vigil.schemas.AnomalySource;
import io.vigil.schemas.KafkaHeaders;
import io.vigil.schemas.ParserOptions;
import io.vigil.schemas.TableSchemas;
import io.vigil.schemas.TelemetryParser;
import io.vigil.schemas.Topics;
import io.vigil.streaming.SparkSessions;
import io.vigil.streaming.StreamingJobConfig;
import io.vigil.streaming.internal.AnomalyEventRows;
import io.vigil.streaming.internal.DeltaTables;
import io.vigil.streaming.internal.GoldSink;
import io.vigil.streaming.internal.JobMetrics;
import io.vigil.streaming.internal.TablesSink;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every SQL paragraph of every Zeppelin note in notebooks/ runs, as Zeppelin would run it with the
 * forms at their defaults, against tables the real pipeline functions wrote from a small fleet:
 * the streaming job's tables and gold batch functions, the device watch's event rows, the
 * forecast job and the anomaly scoring job. A paragraph that fails, returns nothing, or charts a column it does not return
 * fails the test under its note's name and its title. An IT rather than a unit test for its
 * running time (a Spark pipeline and a forecast run), not for any server.
 */
class NotebooksIT {
  private static final Path NOTES = Path.of(System.getProperty("basedir", System.getProperty("user.dir")))
      .toAbsolutePath().getParent().resolve("notebooks");
  private static final ObjectMapper JSON = new ObjectMapper();
  /** Zeppelin's simple forms: ${name=default} (paragraph) and $${name=default} (note), select options after a comma. */
  private static final Pattern FORM = Pattern.compile("\\$?\\$\\{([^}=]+)(?:=([^},]*)[^}]*)?}");
  private static final String LAKE_ROOT_FORM = "lake_root";
  private static final Instant END = Instant.parse("2026-11-20T00:00:00Z");
  private static final List<String> DEVICES = List.of("dev-0001", "dev-0002");
  private static final Instant SPIKE_AT = END.minus(Duration.ofHours(2));
  private static final Instant SHIFT_FROM = END.minus(Duration.ofHours(4));

  @TempDir static Path dir;
  private static SparkSession spark;
  private static String lakeRoot;

  @BeforeAll
  static void runThePipelineOnASmallFleet() {
    spark = SparkSessions.local("NotebooksIT", 2);
    lakeRoot = dir.resolve("delta").toString();
    StreamingJobConfig stream = new StreamingJobConfig(Map.of(StreamingJobConfig.TABLES_ROOT, lakeRoot));
    DeltaTables.createIfNotExists(spark, stream.bronzePath(), TableSchemas.BRONZE, "ingest_date");
    DeltaTables.createIfNotExists(spark, stream.silverPath(), TableSchemas.SILVER, "event_date");
    DeltaTables.createIfNotExists(spark, stream.lateDataPath(), TableSchemas.LATE_DATA, "event_date");
    DeltaTables.createIfNotExists(spark, stream.quarantinePath(), TableSchemas.QUARANTINE, "ingest_date");
    DeltaTables.createIfNotExists(spark, stream.attributesPath(), TableSchemas.ATTRIBUTES, "event_date");
    DeltaTables.createIfNotExists(spark, stream.gold1mPath(), TableSchemas.GOLD, null);
    DeltaTables.createIfNotExists(spark, stream.gold1hPath(), TableSchemas.GOLD, null);
    DeltaTables.createIfNotExists(spark, stream.anomalyEventsPath(), TableSchemas.ANOMALY_EVENTS, null);

    // Three days of readings every 10 minutes, with a spike and a level shift in the last hours for the scoring job,
    // then one refused message and one reading behind the watermark.
    JobMetrics metrics = new JobMetrics();
    TablesSink tables = new TablesSink(new TablesSink.Paths(stream.bronzePath(), stream.silverPath(), stream.lateDataPath(),
        stream.quarantinePath(), stream.attributesPath()), new TelemetryParser(ParserOptions.defaults()), stream.getDuration(StreamingJobConfig.DEDUP_WATERMARK).toMillis(),
        dir.resolve("cp-tables").toString(), metrics);
    KafkaBatch history = new KafkaBatch();
    for (Instant t = END.minus(Duration.ofDays(3)); t.isBefore(END); t = t.plus(Duration.ofMinutes(10))) {
      for (int d = 0; d < DEVICES.size(); d++) {
        double hour = t.atZone(java.time.ZoneOffset.UTC).getHour();
        double spike = d == 0 && t.equals(SPIKE_AT) ? 30 : 0;
        double shift = d == 1 && !t.isBefore(SHIFT_FROM) ? 20 : 0;
        history.add(DEVICES.get(d), reading(t, DEVICES.get(d) + "-" + t.getEpochSecond(),
            20 + d + 3 * Math.sin(hour / 24 * 2 * Math.PI) + spike, 40 + 5 * Math.cos(hour / 24 * 2 * Math.PI) + shift),
            t.plusSeconds(2));
      }
    }
    history.add("dev-0002", "{\"ts\": 1, this is not JSON", END);
    tables.call(history.toDataset(), 0L);
    KafkaBatch late = new KafkaBatch(history.nextOffset);
    late.add("dev-0001", reading(END.minus(Duration.ofHours(2)).plusSeconds(5), "dev-0001-late", 21.0, 41.0), END.plusSeconds(60));
    tables.call(late.toDataset(), 1L);

    new GoldSink(stream.gold1mPath(), stream.gold1hPath(), stream.getDuration(StreamingJobConfig.GOLD_EXPECTED_INTERVAL),
        Map.of(), dir.resolve("cp-gold").toString(), metrics)
        .call(spark.read().format("delta").load(stream.silverPath()), 0L);

    // Device watch events, as the watch's sink turns them into rows: an open and a closed gap, an inactive device.
    Instant gapStart = END.minus(Duration.ofHours(30));
    List<Row> events = List.of(
        AnomalyEventRows.toRow(AnomalyEvent.builder(AnomalyKind.GAP, AnomalySource.STREAM, "dev-0002", null, gapStart)
            .detectedAt(gapStart.plusSeconds(1800)).value(1800.0).expected(600.0).message("dev-0002 sent nothing for 30 min").build()),
        AnomalyEventRows.toRow(AnomalyEvent.builder(AnomalyKind.GAP_CLOSED, AnomalySource.STREAM, "dev-0002", null, gapStart)
            .end(gapStart.plusSeconds(3600)).detectedAt(gapStart.plusSeconds(3600)).value(3600.0).message("dev-0002 is back").build()),
        AnomalyEventRows.toRow(AnomalyEvent.builder(AnomalyKind.INACTIVE, AnomalySource.STREAM, "dev-0001", null, END)
            .detectedAt(END.plus(Duration.ofHours(1))).message("dev-0001 silent for 1 h").build()));
    AnomalyEventRows.toTable(spark.createDataFrame(events, AnomalyEventRows.SCHEMA))
        .write().format("delta").mode("append").save(stream.anomalyEventsPath());

    // Forecasts as of six hours before the end, so the first targets have actuals in gold.
    ForecastJobConfig forecast = new ForecastJobConfig(Map.of(ForecastJobConfig.SILVER_PATH, stream.silverPath(),
        ForecastJobConfig.FORECASTS_PATH, lakeRoot + "/forecasts"));
    ForecastRunSummary summary = ForecastJob.run(spark, forecast, END.minus(Duration.ofHours(6)));
    assertThat(summary.rowsWritten()).as("the forecast job wrote forecasts").isPositive();

    // The scoring job over the last six hours (seasonal naive: no model is registered), into its default table names.
    ForecastJobConfig score = new ForecastJobConfig(Map.of(ForecastJobConfig.SILVER_PATH, stream.silverPath(),
        ForecastJobConfig.SCORES_PATH, lakeRoot + "/anomaly_scores", ForecastJobConfig.ANOMALIES_PATH,
        lakeRoot + "/batch_anomaly_events", ForecastJobConfig.MODELS_PATH, lakeRoot + "/models",
        ForecastJobConfig.SCORE_INTERVAL, "6h", ForecastJobConfig.SCORE_PUBLISH, "false"));
    ScoreJob.Summary scored = ScoreJob.run(spark, score, END);
    assertThat(scored.readingsScored()).as("the scoring job scored readings").isPositive();
    assertThat(scored.events()).as("the scoring job raised events for the spike and the shift").isPositive();
  }

  @AfterAll
  static void stopSpark() {
    if (spark != null) {
      spark.stop();
    }
  }

  private static String reading(Instant t, String msgId, double temperature, double humidity) {
    return "{\"ts\": " + t.toEpochMilli() + ", \"msgId\": \"" + msgId + "\", \"temperature\": " + temperature
        + ", \"humidity\": " + humidity + "}";
  }

  /** Records as Spark's Kafka source hands them to the tables query. */
  private static final class KafkaBatch {
    static final StructType SCHEMA = new StructType()
        .add("key", DataTypes.BinaryType).add("value", DataTypes.BinaryType).add("topic", DataTypes.StringType)
        .add("partition", DataTypes.IntegerType).add("offset", DataTypes.LongType).add("timestamp", DataTypes.TimestampType)
        .add("timestampType", DataTypes.IntegerType)
        .add("headers", DataTypes.createArrayType(new StructType().add("key", DataTypes.StringType).add("value", DataTypes.BinaryType)));
    final List<Row> rows = new ArrayList<>();
    long nextOffset;

    KafkaBatch() {
      this(0);
    }

    KafkaBatch(long firstOffset) {
      nextOffset = firstOffset;
    }

    void add(String device, String payload, Instant arrival) {
      List<Row> headers = List.of(
          RowFactory.create(KafkaHeaders.MQTT_TOPIC, ("devices/" + device + "/telemetry").getBytes(StandardCharsets.UTF_8)),
          RowFactory.create(KafkaHeaders.ARRIVAL_MILLIS, Long.toString(arrival.toEpochMilli()).getBytes(StandardCharsets.UTF_8)));
      rows.add(RowFactory.create(device.getBytes(StandardCharsets.UTF_8), payload.getBytes(StandardCharsets.UTF_8),
          Topics.TELEMETRY, 0, nextOffset++, Timestamp.from(arrival), 0,
          scala.collection.JavaConverters.asScalaBuffer(new ArrayList<>(headers)).toSeq()));
    }

    Dataset<Row> toDataset() {
      return spark.createDataFrame(rows, SCHEMA);
    }
  }

  private record Paragraph(String note, String title, String text, JsonNode graph) {
    String label() {
      return "note '" + note + "', paragraph '" + title + "'";
    }

    String interpreter() {
      String first = text.strip().split("\\s", 2)[0];
      return first.startsWith("%") ? first : "%spark";
    }

    String body() {
      String t = text.strip();
      return t.startsWith("%") ? t.substring(interpreter().length()).strip() : t;
    }
  }

  private static List<Paragraph> paragraphs() throws Exception {
    List<Paragraph> out = new ArrayList<>();
    try (Stream<Path> files = Files.list(NOTES)) {
      for (Path f : files.filter(p -> p.toString().endsWith(".zpln")).sorted().toList()) {
        JsonNode note = JSON.readTree(f.toFile());
        int i = 0;
        for (JsonNode p : note.get("paragraphs")) {
          i++;
          String text = p.path("text").asText("");
          if (text.isBlank()) {
            continue;
          }
          String title = p.hasNonNull("title") ? p.get("title").asText() : "#" + i + " (untitled)";
          out.add(new Paragraph(note.get("name").asText(), title, text, p.path("config").path("results").path("0").path("graph")));
        }
      }
    }
    return out;
  }

  /** What Zeppelin sends to Spark: every form replaced by its default, the lake root by this test's tables. */
  static String substituteForms(Paragraph p, String body) {
    Matcher m = FORM.matcher(body);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      String name = m.group(1).strip();
      String value;
      if (name.equals(LAKE_ROOT_FORM)) {
        value = lakeRoot;
      } else if (m.group(2) != null) {
        value = m.group(2);
      } else {
        throw new AssertionError(p.label() + ": form '" + name + "' has no default, so the paragraph cannot run as it is;"
            + " give it one: ${" + name + "=...}");
      }
      m.appendReplacement(sb, Matcher.quoteReplacement(value));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  @TestFactory
  Stream<DynamicTest> everyParagraphRunsAgainstThePipelinesTables() throws Exception {
    List<Paragraph> all = paragraphs();
    assertThat(all).as("paragraphs under %s", NOTES).isNotEmpty();
    return all.stream().map(p -> DynamicTest.dynamicTest(p.note() + " / " + p.title(), () -> run(p)));
  }

  private static void run(Paragraph p) {
    switch (p.interpreter()) {
      case "%md" -> { }
      case "%spark.conf" -> checkConf(p);
      case "%spark.sql", "%sql" -> runSql(p);
      default -> fail(p.label() + " uses " + p.interpreter() + ", which this test cannot run; write it as %spark.sql"
          + " (or teach NotebooksIT to run it) so every paragraph stays checked against the tables.");
    }
  }

  private static void runSql(Paragraph p) {
    String sql = substituteForms(p, p.body());
    List<Row> rows;
    String[] columns;
    try {
      Dataset<Row> result = spark.sql(sql);
      columns = result.columns();
      rows = result.collectAsList();
    } catch (Exception e) {
      throw new AssertionError(p.label() + " failed: " + e.getMessage() + "\n--- SQL as run ---\n" + sql, e);
    }
    assertThat(rows).as("%s returned no rows on the pipeline's tables: a wrong table, column or form default?", p.label())
        .isNotEmpty();
    Set<String> returned = Set.of(columns);
    for (String part : List.of("keys", "values", "groups")) {
      for (JsonNode c : p.graph().path(part)) {
        String name = c.path("name").asText();
        assertThat(returned).as("%s charts column '%s' (graph %s) but returns %s", p.label(), name, part, returned)
            .contains(name);
        assertThat(Arrays.asList(columns).indexOf(name)).as("%s: index of chart column '%s'", p.label(), name)
            .isEqualTo(c.path("index").asInt());
      }
    }
  }

  /** The Delta settings the notes tell Zeppelin to use must be the ones Vigil's own jobs use. */
  private static void checkConf(Paragraph p) {
    Map<String, String> conf = new LinkedHashMap<>();
    p.body().lines().map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#"))
        .forEach(l -> conf.put(l.split("\\s+", 2)[0], l.split("\\s+", 2).length > 1 ? l.split("\\s+", 2)[1].strip() : ""));
    assertThat(conf).as(p.label()).containsEntry("spark.sql.extensions", SparkSessions.DELTA_EXTENSION)
        .containsEntry("spark.sql.catalog.spark_catalog", SparkSessions.DELTA_CATALOG);
  }

  @Test
  void notesCoverEveryTableAndAssumeTheJobsDefaultLayout() throws Exception {
    String sql = String.join("\n", paragraphs().stream().filter(p -> p.interpreter().equals("%spark.sql")).map(Paragraph::text).toList());
    for (String table : List.of("bronze", "silver", "late_data", "quarantine", "gold_1m", "gold_1h", "anomaly_events", "forecasts",
        "anomaly_scores", "batch_anomaly_events")) {
      assertThat(sql).as("a note reads the %s table", table).contains("}/" + table + "`");
    }
    // The notes find every table under one root: the forecast job's default must sit next to the streaming job's tables.
    String tablesRoot = new StreamingJobConfig(Map.of()).getString(StreamingJobConfig.TABLES_ROOT);
    assertThat(new ForecastJobConfig(Map.of()).forecastsPath()).isEqualTo(Path.of(tablesRoot, "forecasts").toString());
    assertThat(new ForecastJobConfig(Map.of()).scoresPath()).isEqualTo(Path.of(tablesRoot, "anomaly_scores").toString());
    assertThat(new ForecastJobConfig(Map.of()).anomaliesPath()).isEqualTo(Path.of(tablesRoot, "batch_anomaly_events").toString());
    assertThat(new StreamingJobConfig(Map.of()).silverPath()).isEqualTo(Path.of(tablesRoot, "silver").toString());
  }

  @Test
  void aBrokenParagraphFailsUnderItsNoteAndTitle() {
    JsonNode noChart = JSON.createObjectNode();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> run(new Paragraph("Broken note", "Bad column",
            "%spark.sql\nSELECT no_such_column FROM delta.`$${lake_root=x}/silver`", noChart)))
        .hasMessageContaining("note 'Broken note', paragraph 'Bad column' failed").hasMessageContaining("no_such_column");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> run(new Paragraph("Broken note", "Nothing found",
            "%spark.sql\nSELECT * FROM delta.`$${lake_root=x}/silver` WHERE device_id = '${device_id=nobody}'", noChart)))
        .hasMessageContaining("note 'Broken note', paragraph 'Nothing found' returned no rows");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> run(new Paragraph("Broken note", "Scala", "%spark\nspark.range(1).show()", noChart)))
        .hasMessageContaining("note 'Broken note', paragraph 'Scala' uses %spark");
  }

  @Test
  void formsAreSubstitutedWithTheirDefaults() {
    Paragraph p = new Paragraph("n", "t", "", null);
    assertThat(substituteForms(p, "FROM delta.`$${lake_root=hdfs:///x}/silver` WHERE d = '${device_id=dev-0001}'"
        + " AND k = '${kind=ALL,ALL|GAP}'"))
        .isEqualTo("FROM delta.`" + lakeRoot + "/silver` WHERE d = 'dev-0001' AND k = 'ALL'");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> substituteForms(p, "WHERE d = '${device}'"))
        .hasMessageContaining("form 'device' has no default");
  }
}
