package io.vigil.streaming;

import io.vigil.schemas.KafkaHeaders;
import io.vigil.schemas.ParserOptions;
import io.vigil.schemas.TelemetryParser;
import io.vigil.streaming.internal.TablesSink;
import io.vigil.schemas.TableSchemas;
import io.vigil.streaming.internal.DeltaTables;
import java.nio.charset.StandardCharsets;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobEnd;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/** Scratch profiler (not a test): times TablesSink batches and their Spark jobs. */
public final class TablesSinkProfile {
  public static void main(String[] args) throws Exception {
    long perBatch = Long.parseLong(args[0]);
    int batches = Integer.parseInt(args[1]);
    String dir = args[2];
    SparkSession spark = SparkSessions.local("prof", 2);
    if (!Boolean.getBoolean("prof.baseline")) StreamingJob.configureBatchWork(spark);
    Map<Integer, Long> starts = new ConcurrentHashMap<>();
    Map<Integer, String> names = new ConcurrentHashMap<>();
    List<String> log = java.util.Collections.synchronizedList(new ArrayList<>());
    spark.sparkContext().addSparkListener(new SparkListener() {
      @Override public void onJobStart(SparkListenerJobStart s) {
        starts.put(s.jobId(), System.nanoTime());
        String cs = scala.collection.JavaConverters.seqAsJavaList(s.stageInfos()).stream().map(i -> i.name() + "[" + i.numTasks() + "]").reduce((a, c) -> a + " | " + c).orElse("?");
        names.put(s.jobId(), cs + " stages=" + s.stageIds().size());
      }
      @Override public void onJobEnd(SparkListenerJobEnd e) {
        log.add(String.format("   job %4d %6.0f ms %s", e.jobId(), (System.nanoTime() - starts.get(e.jobId())) / 1e6, names.get(e.jobId())));
      }
    });
    String p = dir + "/";
    DeltaTables.createIfNotExists(spark, p + "bronze", TableSchemas.BRONZE, "ingest_date");
    DeltaTables.createIfNotExists(spark, p + "silver", TableSchemas.SILVER, "event_date");
    DeltaTables.createIfNotExists(spark, p + "late_data", TableSchemas.LATE_DATA, "event_date");
    DeltaTables.createIfNotExists(spark, p + "quarantine", TableSchemas.QUARANTINE, "ingest_date");
    TablesSink sink = new TablesSink(new TablesSink.Paths(p + "bronze", p + "silver", p + "late_data", p + "quarantine"),
        new TelemetryParser(ParserOptions.defaults()), 600_000, p + "checkpoint", null);
    long base = System.currentTimeMillis() - 3_600_000L;
    for (int b = 0; b < batches; b++) {
      long from = b * perBatch;
      Dataset<Row> kafka = spark.range(from, from + perBatch, 1, 6)
          .mapPartitions((MapPartitionsFunction<Long, Row>) it -> new Iterator<>() {
            public boolean hasNext() { return it.hasNext(); }
            public Row next() { return record(it.next(), base); }
          }, Encoders.row(KafkaRows.SCHEMA));
      log.clear();
      long t0 = System.nanoTime();
      long c0 = cpu();
      sink.call(kafka, (long) b);
      System.out.printf("batch %d: %,d records in %.0f ms, cpu %.0f ms%n", b, perBatch, (System.nanoTime() - t0) / 1e6, (cpu() - c0) / 1e6);
      synchronized (log) { log.forEach(System.out::println); }
    }
    if (Boolean.getBoolean("prof.gold")) {
      DeltaTables.createIfNotExists(spark, p + "gold_1m", TableSchemas.GOLD, null);
      DeltaTables.createIfNotExists(spark, p + "gold_1h", TableSchemas.GOLD, null);
      io.vigil.streaming.internal.GoldSink gold = new io.vigil.streaming.internal.GoldSink(p + "gold_1m", p + "gold_1h",
          java.time.Duration.ofSeconds(10), Map.of(), p + "gold-checkpoint", null);
      for (int b = 0; b < batches; b++) {
        Dataset<Row> silver = spark.read().format("delta").load(p + "silver")
            .where(org.apache.spark.sql.functions.col("source_offset").between(b * perBatch, (b + 1) * perBatch - 1));
        log.clear();
        long t0 = System.nanoTime();
        long c0 = cpu();
        gold.call(silver, (long) b);
        System.out.printf("gold batch %d: in %.0f ms, cpu %.0f ms%n", b, (System.nanoTime() - t0) / 1e6, (cpu() - c0) / 1e6);
        synchronized (log) { log.forEach(System.out::println); }
      }
    }
    spark.stop();
  }

  static long cpu() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
  }

  static Row record(long i, long base) {
    int devices = 1000;
    String device = String.format("dev-%05d", i % devices);
    long seq = i / devices;
    long ts = base + seq * 1000;
    byte[] payload = ("{\"ts\":" + ts + ",\"seq\":" + seq + ",\"temperature\":" + (20 + seq % 100 / 10.0) + "}").getBytes(StandardCharsets.UTF_8);
    List<Row> h = new ArrayList<>();
    h.add(RowFactory.create(KafkaHeaders.MQTT_TOPIC, ("devices/" + device + "/telemetry").getBytes(StandardCharsets.UTF_8)));
    h.add(RowFactory.create(KafkaHeaders.MQTT_QOS, "1".getBytes(StandardCharsets.UTF_8)));
    h.add(RowFactory.create(KafkaHeaders.MQTT_RETAIN, "false".getBytes(StandardCharsets.UTF_8)));
    h.add(RowFactory.create(KafkaHeaders.MQTT_DUP, "false".getBytes(StandardCharsets.UTF_8)));
    h.add(RowFactory.create(KafkaHeaders.MQTT_MESSAGE_ID, Long.toString(1 + seq % 65535).getBytes(StandardCharsets.UTF_8)));
    h.add(RowFactory.create(KafkaHeaders.ARRIVAL_MILLIS, Long.toString(ts).getBytes(StandardCharsets.UTF_8)));
    h.add(RowFactory.create(KafkaHeaders.BRIDGE_INSTANCE, "vigil-bench".getBytes(StandardCharsets.UTF_8)));
    h.add(RowFactory.create(KafkaHeaders.BRIDGE_ROUTE, "telemetry".getBytes(StandardCharsets.UTF_8)));
    return RowFactory.create(device.getBytes(StandardCharsets.UTF_8), payload, "vigil.telemetry", (int) (i % 6), i,
        new Timestamp(ts), 0, scala.collection.JavaConverters.asScalaBuffer(h).toSeq());
  }
}
