package io.vigil.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/** The spark-submit jar carries what a Spark distribution lacks, and nothing it already has. */
class ShadedJarIT {
  @Test
  void sparkJarHoldsOurCodeKafkaAndDeltaButNotSparkOrScala() throws IOException {
    Path jar;
    try (Stream<Path> files = Files.list(Path.of("target"))) {
      jar = files.filter(p -> p.getFileName().toString().matches("vigil-streaming-jobs-.*-spark\\.jar"))
          .findFirst().orElseThrow(() -> new AssertionError("no *-spark.jar in target/: was the package phase run?"));
    }
    List<String> entries;
    try (ZipFile zip = new ZipFile(jar.toFile())) {
      entries = Collections.list(zip.entries()).stream().map(ZipEntry::getName).toList();
      String services = new String(zip.getInputStream(zip.getEntry(
          "META-INF/services/org.apache.spark.sql.sources.DataSourceRegister")).readAllBytes());
      assertThat(services).contains("org.apache.spark.sql.kafka010.KafkaSourceProvider")
          .contains("org.apache.spark.sql.delta.sources.DeltaDataSource");
    }
    assertThat(entries).contains(
        "io/vigil/streaming/StreamingMain.class",
        "io/vigil/schemas/TelemetryParser.class",
        "io/vigil/common/config/ConfigDef.class",
        "org/apache/spark/sql/kafka010/KafkaSourceProvider.class",
        "io/delta/tables/DeltaTable.class",
        "org/apache/kafka/clients/producer/KafkaProducer.class");
    assertThat(entries).doesNotContain("org/apache/spark/SparkContext.class", "org/apache/spark/sql/Dataset.class");
    assertThat(entries).noneMatch(e -> e.startsWith("scala/") || e.startsWith("org/apache/hadoop/")
        || e.startsWith("com/fasterxml/jackson/core/") || e.startsWith("org/slf4j/") || e.endsWith(".SF"));
  }
}
