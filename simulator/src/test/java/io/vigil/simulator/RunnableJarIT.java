package io.vigil.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.testsupport.JarRun;
import io.vigil.testsupport.MosquittoExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runnable jar ({@code java -jar ...-all.jar}) publishes a short backfill to a real Mosquitto and
 * logs at INFO through its own logging setup, not log4j's complaint that it has no implementation.
 */
class RunnableJarIT {
  @RegisterExtension static final MosquittoExtension mosquitto = new MosquittoExtension();

  @TempDir Path dir;

  @Test
  void aShortBackfillLogsItsConnectAtInfo() throws Exception {
    JarRun run = JarRun.run(JarRun.jar("vigil-simulator-.*-all\\.jar"), dir, List.of(
        "--devices", "2", "--history", "10m", "--duration", "0s", "--mqtt-url", mosquitto.url(),
        "--labels", "labels.csv"));

    assertThat(run.exitCode()).as("%s", run).isZero();
    assertThat(run.stdout()).as("%s", run).containsPattern("Messages: \\d+ generated, \\d+ delivered, 0 failed");
    assertThat(run.stderr()).as("%s", run)
        .containsPattern("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  MqttSink - Connected to " + mosquitto.url())
        .doesNotContain("StatusLogger").doesNotContain("could not find a logging implementation");
    assertThat(Files.readAllLines(dir.resolve("labels.csv"))).isNotEmpty();
  }
}
