package io.vigil.bridge;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.testsupport.JarRun;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runnable jar as the README runs it ({@code java -jar ...-all.jar --validate --config
 * conf/bridge.properties}) logs at INFO through its own logging setup: the operator sees the bridge's
 * lines, not log4j's complaint that it has no implementation.
 */
class RunnableJarIT {
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();

  @TempDir Path dir;

  @Test
  void validateLogsAtInfoAndPrintsTheSettings() {
    JarRun run = JarRun.run(JarRun.jar("vigil-ingest-bridge-.*-all\\.jar"), ROOT, List.of(
        "--validate", "--config", "conf/bridge.properties",
        // No local stack's endpoints: the run must not depend on this machine's ~/.vigil.
        "--endpoints", dir.resolve("no-stack-endpoints.properties").toString()));

    assertThat(run.exitCode()).as("%s", run).isZero();
    assertThat(run.stdout()).as("%s", run).contains("Configuration is valid").contains("mqtt.url=");
    assertThat(run.stderr()).as("%s", run)
        .containsPattern("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  BridgeCommand - Bridge settings from: defaults, conf/bridge.properties")
        .doesNotContain("StatusLogger").doesNotContain("could not find a logging implementation");
  }

  @Test
  void theJarCarriesSparksSnappyNotTheOneKafkaClientsAsksFor() throws IOException {
    Properties snappy = new Properties();
    try (ZipFile zip = new ZipFile(JarRun.jar("vigil-ingest-bridge-.*-all\\.jar").toFile());
        InputStream in = zip.getInputStream(zip.getEntry("org/xerial/snappy/VERSION"))) {
      snappy.load(in);
    }
    // kafka-clients 3.4.1 asks for snappy-java 1.1.8.4 (native Snappy 1.1.8; CVE-2023-34453/34454/34455,
    // CVE-2023-43642); the parent pom pins Spark 3.5.7's 1.1.10.5 (native Snappy 1.1.10). The shade plugin
    // drops the jar's manifest, so its native library version is what tells them apart.
    assertThat(snappy.getProperty("SNAPPY_VERSION")).isEqualTo("1.1.10");
  }
}
