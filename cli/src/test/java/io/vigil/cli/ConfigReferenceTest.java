package io.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.batch.ForecastJobConfig;
import io.vigil.bridge.BridgeConfig;
import io.vigil.common.config.ConfigDef;
import io.vigil.simulator.SimulatorConfig;
import io.vigil.streaming.StreamingJobConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** docs/configuration.md is what the typed configs render, nothing else. */
class ConfigReferenceTest {
  private static final Path REPO = Path.of(System.getProperty("basedir", System.getProperty("user.dir"))).toAbsolutePath().getParent();
  private static final List<ConfigDef> ALL = List.of(BridgeConfig.DEFINITION, BridgeConfig.routeDefinition("<name>"),
      StreamingJobConfig.DEFINITION, StreamingJobConfig.routeDefinition("<name>"), ForecastJobConfig.DEFINITION, SimulatorConfig.DEFINITION);

  @Test
  void committedReferenceMatchesTheTypedConfigs() throws Exception {
    Path file = REPO.resolve(ConfigReference.FILE);
    String rendered = ConfigReference.render();
    if (Boolean.getBoolean("vigil.docs.regenerate")) {
      ConfigReference.write(file);
    }
    assertThat(Files.exists(file)).as("%s is missing; run `%s` to generate it", file, ConfigReference.REGENERATE).isTrue();
    String committed = Files.readString(file, StandardCharsets.UTF_8);
    assertThat(committed)
        .as("%s is out of date with the typed configs (a key, default, validator or doc changed); run `%s` to regenerate"
            + " it and commit the result", ConfigReference.FILE, ConfigReference.REGENERATE)
        .isEqualTo(rendered);
  }

  @Test
  void everyKeyOfEveryServiceIsListed() {
    String md = ConfigReference.render();
    ALL.stream().flatMap(d -> d.keys().stream()).forEach(k ->
        assertThat(md).contains("| `" + k.name() + "` |"));
    assertThat(md).contains("## Ingest bridge", "## Streaming job", "## Forecast job", "## Simulator", "## Local stack",
        "`--kafka-port PORT` | `19092`");
  }

  @Test
  void secretsShowNoDefaultAndNoMachinePathLeaks() {
    String md = ConfigReference.render();
    List<ConfigDef.Key> secrets = ALL.stream().flatMap(d -> d.keys().stream())
        .filter(k -> k.type() == ConfigDef.Type.PASSWORD).toList();
    assertThat(secrets).as("the bridge and simulator have passwords").isNotEmpty();
    for (ConfigDef.Key k : secrets) {
      assertThat(md).contains("| `" + k.name() + "` | password |  |");
    }
    assertThat(md).doesNotContain(System.getProperty("user.home") + "/").contains("`$VIGIL_HOME/data/delta`");
    assertThat(Stream.of(md.split("\n")).filter(l -> l.startsWith("|")))
        .allSatisfy(l -> assertThat(l).endsWith("|"));
  }
}
