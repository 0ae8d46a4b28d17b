package io.vigil.stack.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.common.VigilException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LibDirsTest {
  @TempDir Path tmp;

  private Path jarDir(String rel) throws Exception {
    Path d = Files.createDirectories(tmp.resolve(rel));
    Files.writeString(d.resolve("x.jar"), "");
    return d;
  }

  private Path locate(Properties props, Map<String, String> env, Path cwd) {
    return LibDirs.locate("Kafka broker", LibDirs.KAFKA_PROPERTY, LibDirs.KAFKA_ENV, LibDirs.KAFKA_RELATIVE,
        props, env, cwd, "run `mvn -pl kafka-dist install`");
  }

  @Test
  void systemPropertyWinsOverEnvironmentAndTree() throws Exception {
    Path prop = jarDir("prop");
    Path env = jarDir("env");
    jarDir("repo/kafka-dist/target/kafka-libs");
    Properties p = new Properties();
    p.setProperty(LibDirs.KAFKA_PROPERTY, prop.toString());
    assertThat(locate(p, Map.of(LibDirs.KAFKA_ENV, env.toString()), tmp.resolve("repo"))).isEqualTo(prop);
    assertThat(locate(new Properties(), Map.of(LibDirs.KAFKA_ENV, env.toString()), tmp.resolve("repo"))).isEqualTo(env);
  }

  @Test
  void walksUpFromTheCurrentDirectory() throws Exception {
    Path libs = jarDir("repo/kafka-dist/target/kafka-libs");
    Path cwd = Files.createDirectories(tmp.resolve("repo/cli/target"));
    assertThat(locate(new Properties(), Map.of(), cwd)).isEqualTo(libs);
  }

  @Test
  void nothingFoundSaysWhereItLookedAndHowToBuildIt() throws Exception {
    Path empty = Files.createDirectories(tmp.resolve("empty"));
    Properties p = new Properties();
    p.setProperty(LibDirs.KAFKA_PROPERTY, empty.toString()); // exists but holds no jars
    assertThatThrownBy(() -> locate(p, Map.of(), empty)).isInstanceOf(VigilException.class)
        .hasMessageContaining(empty.toString()).hasMessageContaining("kafka-dist/target/kafka-libs")
        .hasMessageContaining("mvn -pl kafka-dist install");
  }
}
