package io.vigil.streaming.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The app id a checkpoint's Delta commits are marked with: kept, inherited, or new. */
class CheckpointStateTest {
  private static final String EARLIER = "vigil-device-watch-earlier";

  @TempDir Path dir;

  private CheckpointState state(Path checkpoint) {
    return new CheckpointState(checkpoint.toString(), new Configuration());
  }

  @Test
  void aNewCheckpointGetsAFreshIdAndKeepsIt() {
    Path cp = dir.resolve("device-watch/v2");
    CheckpointState.AppId first = state(cp).appId(EARLIER);
    assertThat(first.created()).isTrue();
    assertThat(first.id()).startsWith("vigil-").isNotEqualTo(EARLIER);
    assertThat(state(cp).appId(EARLIER)).isEqualTo(new CheckpointState.AppId(first.id(), false));
  }

  @Test
  void aCheckpointSparkWroteBeforeAppIdFilesExistedKeepsItsEarlierId() throws IOException {
    Path cp = dir.resolve("device-watch/v2");
    Files.createDirectories(cp.resolve("offsets"));
    assertThat(state(cp).appId(EARLIER).id()).isEqualTo(EARLIER);
    assertThat(state(cp).appId(EARLIER).id()).as("remembered").isEqualTo(EARLIER);
  }

  @Test
  void aCheckpointDeletedAndStartedAgainAtTheSamePathGetsANewId() throws IOException {
    Path cp = dir.resolve("device-watch/v2");
    String before = state(cp).appId(EARLIER).id();
    Files.createDirectories(cp.resolve("offsets"));
    try (var files = Files.walk(cp)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    assertThat(state(cp).appId(EARLIER).id()).isNotEqualTo(before).isNotEqualTo(EARLIER);
  }
}
