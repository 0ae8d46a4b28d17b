package io.vigil.batch;

import io.vigil.schemas.Measurement;
import io.vigil.schemas.TableSchemas;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntToDoubleFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/** Builds silver rows (TableSchemas.SILVER) for tests. */
final class SilverRows {
  private final List<Row> rows = new ArrayList<>();
  private long offset;

  SilverRows add(String device, String metric, Instant eventTime, double value) {
    Measurement m = new Measurement(device, metric, eventTime.toEpochMilli(), value, null);
    rows.add(RowFactory.create(device, metric, Timestamp.from(eventTime), "PAYLOAD", value, null, m.measurementId(),
        Timestamp.from(eventTime.plusSeconds(1)), "vigil.telemetry", 0, offset++,
        Date.valueOf(eventTime.atOffset(ZoneOffset.UTC).toLocalDate())));
    return this;
  }

  /** One reading per step from {@code start} (inclusive) to {@code end} (exclusive), value by step index. */
  SilverRows series(String device, String metric, Instant start, Instant end, long stepSeconds, IntToDoubleFunction value) {
    int i = 0;
    for (Instant t = start; t.isBefore(end); t = t.plusSeconds(stepSeconds), i++) {
      add(device, metric, t, value.applyAsDouble(i));
    }
    return this;
  }

  Dataset<Row> toDataset(SparkSession spark) {
    return spark.createDataFrame(rows, TableSchemas.SILVER);
  }

  void writeDelta(SparkSession spark, String path) {
    toDataset(spark).write().format("delta").mode("append").partitionBy("event_date").save(path);
  }
}
