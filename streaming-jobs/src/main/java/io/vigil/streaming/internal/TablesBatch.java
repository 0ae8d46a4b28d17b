package io.vigil.streaming.internal;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.vigil.schemas.TableSchemas;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * One micro-batch of the {@code tables} query as plain functions on Datasets: Kafka rows to bronze,
 * parsed rows (see {@link ParsedRecords}) to quarantine, silver and late_data. No streaming here,
 * so each step runs on a small static Dataset in a test.
 *
 * <p>Watermarks are per device, in event time: a device's watermark is its latest event time
 * seen in earlier batches minus the delay. Per device, because a fleet's clocks disagree and
 * devices upload buffered data after an outage: with one global watermark a single fast clock, or
 * the rest of the fleet while one device catches up, would push everything of a slower device
 * into late_data.
 */
public final class TablesBatch {
  private TablesBatch() {}

  /** Row classes of {@link #classify}. */
  public static final String QUARANTINE = "QUARANTINE";
  public static final String LATE = "LATE";
  public static final String SILVER = "SILVER";
  /** Attribute and device status rows: to the attributes table, whatever their time. */
  public static final String ATTRIBUTE = "ATTRIBUTE";
  /** late_data reason: older than its device's watermark. */
  public static final String BEYOND_WATERMARK = "BEYOND_WATERMARK";

  /** Per-device watermark state: the latest event time seen, kept across batches. */
  public static final StructType WATERMARK_SCHEMA = new StructType()
      .add("device_id", DataTypes.StringType, false)
      .add("max_event_ms", DataTypes.LongType, false);

  /**
   * Kafka rows (Spark's Kafka source schema) in {@link TableSchemas#BRONZE} order. Headers become a
   * string map; with a repeated header name the last one wins, as in Kafka's {@code lastHeader}.
   */
  public static Dataset<Row> bronze(Dataset<Row> kafka, long ingestMs) {
    Column headers = KafkaRecordColumns.headersMap(kafka);
    return kafka.select(
        col("topic"),
        col("partition"),
        col("offset"),
        col("timestamp").as("kafka_timestamp"),
        col("key"),
        col("value"),
        headers.as("headers"),
        BatchConstant.timestamp(ingestMs).as("ingest_time"),
        expr("to_date(ingest_time)").as("ingest_date"));
  }

  /**
   * Adds {@code row_class} (QUARANTINE, LATE or SILVER), the device's {@code watermark_ms} and
   * {@code out_of_order} (earlier than the device's latest event time, but within the watermark:
   * kept and counted). Rejections are QUARANTINE whatever their time.
   *
   * @param watermarks {@link #WATERMARK_SCHEMA} rows from the batches before this one
   */
  public static Dataset<Row> classify(Dataset<Row> parsed, Dataset<Row> watermarks, long delayMs) {
    Dataset<Row> wm = watermarks.select(col("device_id").as("wm_device_id"), col("max_event_ms").as("prev_max_ms"));
    Column isMeasurement = col("measurement_id").isNotNull();
    Column watermarkMs = col("prev_max_ms").minus(delayMs);
    return parsed.join(broadcast(wm), parsed.col("device_id").equalTo(wm.col("wm_device_id")), "left")
        .drop("wm_device_id")
        .withColumn("watermark_ms", when(isMeasurement, watermarkMs))
        .withColumn("row_class",
            when(col("reason").isNotNull(), lit(QUARANTINE))
                .when(col("attribute_id").isNotNull(), lit(ATTRIBUTE))
                .when(isMeasurement.and(col("event_ms").lt(coalesce(col("watermark_ms"), lit(Long.MIN_VALUE)))), lit(LATE))
                .otherwise(lit(SILVER)))
        .withColumn("out_of_order", col("row_class").equalTo(SILVER).and(col("event_ms").lt(col("prev_max_ms"))));
  }

  /** Readings behind their device's watermark, once each, in {@link TableSchemas#LATE_DATA} order. */
  public static Dataset<Row> lateData(Dataset<Row> classified) {
    return FirstPer.measurement(silverColumns(classified.where(col("row_class").equalTo(LATE)),
        col("watermark_ms").minus(col("event_ms")).as("lateness_ms"),
        lit(BEYOND_WATERMARK).as("reason"),
        expr("timestamp_millis(watermark_ms)").as("watermark"))
        .select(columns(TableSchemas.LATE_DATA)));
  }

  /** This batch's silver rows, once per measurement id, before comparing with the table. */
  public static Dataset<Row> silverCandidates(Dataset<Row> classified) {
    return FirstPer.measurement(silverColumns(classified.where(col("row_class").equalTo(SILVER)))
        .select(columns(TableSchemas.SILVER)));
  }

  /**
   * This batch's attribute rows (device status rows among them), once per attribute id, in
   * {@link TableSchemas#ATTRIBUTES} order. No watermark: an attribute is a fact about its time
   * whenever it arrives, and the table is small next to silver.
   */
  public static Dataset<Row> attributeCandidates(Dataset<Row> classified) {
    return FirstPer.of(classified.where(col("row_class").equalTo(ATTRIBUTE)).select(
            col("device_id"),
            col("attribute").as("name"),
            col("attribute_value").as("value"),
            expr("timestamp_millis(event_ms)").as("event_time"),
            col("time_source"),
            col("message_id"),
            col("attribute_id"),
            expr("timestamp_millis(ingest_ms)").as("ingest_time"),
            col("source_topic"),
            col("source_partition"),
            col("source_offset"),
            expr("date_from_unix_date(event_day)").as("event_date")), "attribute_id")
        .select(columns(TableSchemas.ATTRIBUTES));
  }

  /** Attribute candidates whose id is not in the table yet (see {@link #notYetInSilver}). */
  public static Dataset<Row> notYetInAttributes(Dataset<Row> candidates, Dataset<Row> existing) {
    return candidates.join(existing, candidates.col("attribute_id").equalTo(existing.col("existing_id")), "left_anti");
  }

  /** The attribute ids with event times in {@code [fromMs, toMs]} (see {@link #silverBetween}). */
  public static Dataset<Row> attributesBetween(Dataset<Row> attributesTable, long fromMs, long toMs) {
    return idsBetween(attributesTable, "attribute_id", fromMs, toMs);
  }

  /**
   * Candidates whose measurement id is not in silver yet: a duplicate that reached Kafka again (an
   * MQTT redelivery, a bridge retry, a device resend, a re-read from a new checkpoint) arrives in a
   * later batch.
   *
   * @param existing silver's ids that could match, see {@link #silverBetween}
   */
  public static Dataset<Row> notYetInSilver(Dataset<Row> candidates, Dataset<Row> existing) {
    return candidates.join(existing, candidates.col("measurement_id").equalTo(existing.col("existing_id")), "left_anti");
  }

  /**
   * The ids in silver with event times in {@code [fromMs, toMs]}. A measurement id includes its
   * event time, so only these can match a candidate from that range, and Delta skips every file
   * outside it by its partition and min/max statistics.
   */
  public static Dataset<Row> silverBetween(Dataset<Row> silverTable, long fromMs, long toMs) {
    return idsBetween(silverTable, "measurement_id", fromMs, toMs);
  }

  private static Dataset<Row> idsBetween(Dataset<Row> table, String idColumn, long fromMs, long toMs) {
    Timestamp from = new Timestamp(fromMs);
    Timestamp to = new Timestamp(toMs);
    return table
        .where(col("event_date").between(lit(from).cast("date"), lit(to).cast("date")))
        .where(col("event_time").between(lit(from), lit(to)))
        .select(col(idColumn).as("existing_id"));
  }

  /** What {@link #summarize} found in a classified batch. */
  public record Summary(long records, long quarantine, long late, long silver, long outOfOrder, long silverFromMs,
      long silverToMs, long attributes, long attributesFromMs, long attributesToMs, Map<String, Long> recordsPerRoute) {
    /** Without attributes or routes: what a batch of the plain dialect summarizes to. */
    public Summary(long records, long quarantine, long late, long silver, long outOfOrder, long silverFromMs,
        long silverToMs) {
      this(records, quarantine, late, silver, outOfOrder, silverFromMs, silverToMs, 0, Long.MAX_VALUE, Long.MIN_VALUE,
          Map.of());
    }
  }

  /** The key of records without a route header in {@link Summary#recordsPerRoute()}. */
  public static final String NO_ROUTE = "";

  /**
   * One pass over a classified batch: Kafka records (in all and per bridge route), rows per class,
   * out-of-order rows and the event-time ranges of the silver and attribute rows.
   */
  public static Summary summarize(Dataset<Row> classified) {
    long records = 0;
    long quarantine = 0;
    long late = 0;
    long silver = 0;
    long outOfOrder = 0;
    long from = Long.MAX_VALUE;
    long to = Long.MIN_VALUE;
    long attributes = 0;
    long attrFrom = Long.MAX_VALUE;
    long attrTo = Long.MIN_VALUE;
    Map<String, Long> perRoute = new TreeMap<>();
    List<Row> groups = classified.groupBy("row_class", "out_of_order", "route")
        .agg(count(lit(1)), sum(when(col("first_of_record"), 1).otherwise(0)), min("event_ms"), max("event_ms"))
        .collectAsList();
    for (Row g : groups) {
      long n = g.getLong(3);
      long recordsHere = g.getLong(4);
      records += recordsHere;
      if (recordsHere > 0) {
        perRoute.merge(g.isNullAt(2) ? NO_ROUTE : g.getString(2), recordsHere, Long::sum);
      }
      switch (g.getString(0)) {
        case QUARANTINE -> quarantine += n;
        case LATE -> late += n;
        case ATTRIBUTE -> {
          attributes += n;
          if (!g.isNullAt(5)) {
            attrFrom = Math.min(attrFrom, g.getLong(5));
            attrTo = Math.max(attrTo, g.getLong(6));
          }
        }
        default -> {
          silver += n;
          if (!g.isNullAt(1) && g.getBoolean(1)) {
            outOfOrder += n;
          }
          if (!g.isNullAt(5)) {
            from = Math.min(from, g.getLong(5));
            to = Math.max(to, g.getLong(6));
          }
        }
      }
    }
    return new Summary(records, quarantine, late, silver, outOfOrder, from, to, attributes, attrFrom, attrTo,
        Map.copyOf(perRoute));
  }

  /** Watermark state after this batch: each device's latest event time, old or new. */
  public static Dataset<Row> nextWatermarks(Dataset<Row> previous, Dataset<Row> classified) {
    Dataset<Row> batch = classified.where(col("measurement_id").isNotNull())
        .groupBy(col("device_id").as("b_device_id")).agg(max("event_ms").as("b_max_ms"));
    return previous.join(batch, previous.col("device_id").equalTo(batch.col("b_device_id")), "full_outer")
        .select(coalesce(col("device_id"), col("b_device_id")).as("device_id"),
            greatest(coalesce(col("max_event_ms"), col("b_max_ms")), coalesce(col("b_max_ms"), col("max_event_ms")))
                .as("max_event_ms"));
  }

  public static Dataset<Row> emptyWatermarks(SparkSession spark) {
    return spark.createDataFrame(java.util.List.of(), WATERMARK_SCHEMA);
  }

  private static Dataset<Row> silverColumns(Dataset<Row> rows, Column... extra) {
    Column[] base = {
        col("device_id"),
        col("metric"),
        expr("timestamp_millis(event_ms)").as("event_time"),
        col("time_source"),
        col("value"),
        col("message_id"),
        col("measurement_id"),
        expr("timestamp_millis(ingest_ms)").as("ingest_time"),
        col("source_topic"),
        col("source_partition"),
        col("source_offset"),
        expr("date_from_unix_date(event_day)").as("event_date")};
    Column[] all = Arrays.copyOf(base, base.length + extra.length);
    System.arraycopy(extra, 0, all, base.length, extra.length);
    return rows.select(all);
  }

  static Column[] columns(StructType schema) {
    return Arrays.stream(schema.fields()).map(StructField::name).map(org.apache.spark.sql.functions::col)
        .toArray(Column[]::new);
  }
}
