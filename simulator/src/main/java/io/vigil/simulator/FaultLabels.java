package io.vigil.simulator;

import io.vigil.common.VigilErrors;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The ground-truth labels file: CSV with header {@code device,metric,kind,start,end}, ISO-8601
 * instants with millisecond precision, metric {@code *} for the whole device, an empty end for DEAD.
 * Device ids and metric names never contain commas or quotes, so no quoting is needed.
 */
public final class FaultLabels {
  public static final String HEADER = "device,metric,kind,start,end";

  private FaultLabels() {}

  public static String toCsv(List<FaultLabel> labels) {
    StringBuilder sb = new StringBuilder(HEADER).append('\n');
    for (FaultLabel l : labels) {
      sb.append(l.device()).append(',').append(l.metric()).append(',').append(l.kind()).append(',')
          .append(format(l.start())).append(',').append(l.end() == null ? "" : format(l.end())).append('\n');
    }
    return sb.toString();
  }

  public static void write(Path file, List<FaultLabel> labels) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
        w.write(toCsv(labels));
      }
    } catch (IOException e) {
      throw VigilErrors.outputNotWritable(file, e);
    }
  }

  public static List<FaultLabel> read(Path file) throws IOException {
    return parse(Files.readString(file, StandardCharsets.UTF_8));
  }

  public static List<FaultLabel> parse(String csv) {
    List<FaultLabel> out = new ArrayList<>();
    String[] lines = csv.split("\n");
    if (lines.length == 0 || !lines[0].strip().equals(HEADER)) {
      throw new IllegalArgumentException("labels CSV must start with the header " + HEADER);
    }
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i].strip();
      if (line.isEmpty()) {
        continue;
      }
      String[] f = line.split(",", -1);
      if (f.length != 5) {
        throw new IllegalArgumentException("line " + (i + 1) + " has " + f.length + " fields, expected 5: " + line);
      }
      out.add(new FaultLabel(f[0], f[1], FaultKind.valueOf(f[2]), Instant.parse(f[3]), f[4].isEmpty() ? null : Instant.parse(f[4])));
    }
    return out;
  }

  /** ISO-8601 with exactly three fraction digits, like the payloads' ISO timestamps. */
  public static String format(Instant t) {
    return io.vigil.simulator.internal.PayloadWriter.ISO.format(t);
  }
}
