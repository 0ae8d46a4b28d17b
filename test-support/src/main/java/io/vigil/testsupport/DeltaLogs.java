package io.vigil.testsupport;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Reads a local Delta table's JSON commits, for tests that check a job's output without a Spark session. */
public final class DeltaLogs {
  private static final ObjectMapper JSON = new ObjectMapper();

  private DeltaLogs() {}

  /**
   * Sum of numRecords over the files the table's commits added: its row count for a table that is
   * only appended to (an insert-only MERGE adds files the same way).
   */
  public static long recordsAdded(Path deltaLog) throws IOException {
    long records = 0;
    try (Stream<Path> commits = Files.list(deltaLog)) {
      for (Path commit : commits.filter(p -> p.toString().endsWith(".json")).toList()) {
        for (String line : Files.readAllLines(commit)) {
          JsonNode add = JSON.readTree(line).path("add");
          if (!add.isMissingNode()) {
            records += JSON.readTree(add.path("stats").asText()).path("numRecords").asLong();
          }
        }
      }
    }
    return records;
  }
}
