package io.vigil.streaming;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StreamingMainTest {
  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();

  private int run(String... args) {
    return StreamingMain.run(args, new PrintStream(out, true, StandardCharsets.UTF_8),
        new PrintStream(err, true, StandardCharsets.UTF_8));
  }

  @Test
  void helpListsEverySettingWithItsDefault() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("--config FILE")
        .contains("`kafka.bootstrap.servers` | string | `127.0.0.1:19092`").contains("device.watch.gap.factor");
  }

  @Test
  void badConfigurationExitsWithTwoAndSaysWhy() {
    assertThat(run("--set", "device.watch.gap.factor=0")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("device.watch.gap.factor").contains("Usage:");
  }

  @Test
  void unknownArgumentExitsWithTwo() {
    assertThat(run("--bogus")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("--bogus");
  }

  @Test
  void missingConfigFileIsReported() {
    assertThat(run("--config", "/nonexistent/streaming.properties")).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("/nonexistent/streaming.properties");
  }
}
