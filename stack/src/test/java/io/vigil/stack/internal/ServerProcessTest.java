package io.vigil.stack.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerProcessTest {
  @TempDir Path dir;

  @Test
  void aReusedPidOfAnotherProgramIsNotOursAndIsNeverStopped() throws Exception {
    Path pidFile = dir.resolve("x.pid");
    Files.writeString(pidFile, ProcessHandle.current().pid() + "\n");
    ServerProcess p = new ServerProcess("X", pidFile, dir.resolve("marker-not-in-our-command-line").toString());

    assertThat(p.isRunning()).isFalse();
    assertThat(p.stop(Duration.ofSeconds(1))).isEmpty();
    assertThat(ProcessHandle.current().isAlive()).isTrue();
    assertThat(pidFile).doesNotExist();
  }

  @Test
  void aProcessWithTheMarkerIsOursAndStopEndsIt() throws Exception {
    Path pidFile = dir.resolve("sleep.pid");
    String marker = "777" + ProcessHandle.current().pid();
    ServerProcess p = new ServerProcess("sleep", pidFile, marker);
    long pid = p.start(java.util.List.of("sleep", marker), dir, dir.resolve("console.log"));

    assertThat(p.isRunning()).isTrue();
    assertThat(p.pid()).hasValue(pid);
    assertThat(p.stop(Duration.ofSeconds(10))).hasValue(pid);
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(pidFile).doesNotExist();
  }
}
