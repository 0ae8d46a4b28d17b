package io.vigil.cli.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.common.VigilException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hand-made files in SKAB's format (not SKAB's data, which is GPL-3). */
class SkabFileTest {
  @TempDir Path dir;

  private static final String HEADER = "datetime;Accelerometer1RMS;Volume Flow RateRMS;anomaly;changepoint\r\n";

  private Path write(String folder, String name, String text) throws IOException {
    Path f = Files.createDirectories(dir.resolve(folder)).resolve(name);
    Files.writeString(f, text);
    return f;
  }

  @Test
  void readsMetricsLabelsAndLocalTimesAsUtc() throws IOException {
    Path f = write("valve1", "3.csv", HEADER
        + "2020-03-09 10:14:33;0.026;32.0;0.0;0.0\r\n"
        + "2020-03-09 10:14:34;0.027;;1.0;1.0\r\n"
        + "2020-03-09 10:14:35;0.028;31.5;1;0\r\n");
    SkabFile s = SkabFile.read(f, "valve1");
    assertEquals("valve1-3", s.device());
    assertEquals(List.of("accelerometer1rms", "volume_flow_raterms"), s.metrics());
    assertEquals(3, s.rows());
    assertEquals(java.time.Instant.parse("2020-03-09T10:14:33Z").getEpochSecond() * 1_000_000L, s.timesMicros()[0]);
    assertEquals(1_000_000L, s.timesMicros()[1] - s.timesMicros()[0]);
    assertArrayEquals(new double[] {0.026, 0.027, 0.028}, s.values()[0]);
    assertTrue(Double.isNaN(s.values()[1][1]));
    assertEquals(1, s.missingValues());
    assertArrayEquals(new boolean[] {false, true, true}, s.anomaly());
    assertArrayEquals(new boolean[] {false, true, false}, s.changepoint());
    assertTrue(s.labelled());
    assertTrue(s.rejected().isEmpty());
  }

  @Test
  void rejectsUnreadableRowsWithTheirLineNumberAndSortsByTime() throws IOException {
    Path f = write("other", "1.csv", HEADER
        + "2020-03-09 10:14:35;3;3;0;0\n"
        + "not a time;1;1;0;0\n"
        + "2020-03-09 10:14:33;1;1;0;0\n"
        + "2020-03-09 10:14:34;2;2\n"
        + "2020-03-09 10:14:36;4;4;0;0.5\n");
    SkabFile s = SkabFile.read(f, "other");
    assertArrayEquals(new double[] {1, 3}, s.values()[0]);
    assertEquals(List.of(3L, 5L, 6L), s.rejected().stream().map(SkabFile.Rejected::line).toList());
    assertTrue(s.rejected().get(0).reason().contains("not a time"));
    assertTrue(s.rejected().get(1).reason().contains("fields"));
    assertTrue(s.rejected().get(2).reason().contains("changepoint '0.5'"));
  }

  @Test
  void theAnomalyFreeRunHasNoLabels() throws IOException {
    write(SkabFile.ANOMALY_FREE, "anomaly-free.csv", "datetime;Current;Pressure\n2020-02-08 13:30:47;2.1;0.38\n");
    SkabFile s = SkabFile.readAnomalyFree(dir);
    assertEquals("anomaly-free", s.device());
    assertFalse(s.labelled());
    assertArrayEquals(new boolean[] {false}, s.anomaly());
  }

  @Test
  void readsTheLabelledFoldersInOrderAndNamesWhatIsMissing() throws IOException {
    String row = "2020-03-09 10:14:33;1;1;0;0\n";
    write("valve1", "10.csv", HEADER + row);
    write("valve1", "2.csv", HEADER + row);
    write("valve2", "0.csv", HEADER + row);
    VigilException e = assertThrows(VigilException.class, () -> SkabFile.readLabelled(dir));
    assertTrue(e.getMessage().contains("no other/ directory"), e.getMessage());
    write("other", "1.csv", HEADER + row);
    assertEquals(List.of("valve1-2", "valve1-10", "valve2-0", "other-1"),
        SkabFile.readLabelled(dir).stream().map(SkabFile::device).toList());
    VigilException missing = assertThrows(VigilException.class, () -> SkabFile.readLabelled(dir.resolve("nope")));
    assertTrue(missing.getMessage().contains("not a directory"), missing.getMessage());
  }

  @Test
  void readsSkabTimesDirectlyAndOtherFormsThroughTheReplayParserBothAsUtc() {
    long expected = java.time.Instant.parse("2020-03-09T10:14:33Z").getEpochSecond() * 1_000_000L;
    assertEquals(expected, SkabFile.timeMicros("2020-03-09 10:14:33"));
    assertEquals(expected, SkabFile.timeMicros("2020-03-09T10:14:33"));
    assertEquals(expected + 500_000, SkabFile.timeMicros("2020-03-09 10:14:33.5"));
    assertThrows(IllegalArgumentException.class, () -> SkabFile.timeMicros("2020-02-30 10:14:33"));
    assertThrows(IllegalArgumentException.class, () -> SkabFile.timeMicros("2020-0x-09 10:14:33"));
  }

  @Test
  void sanitisesColumnNames() {
    assertEquals("volume_flow_raterms", SkabFile.sanitise(" Volume Flow RateRMS "));
    assertEquals("a_b", SkabFile.sanitise("(A)-B"));
    assertEquals("metric", SkabFile.sanitise("--"));
  }
}
