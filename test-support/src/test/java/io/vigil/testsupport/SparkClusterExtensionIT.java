package io.vigil.testsupport;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;

/** The standalone cluster fixture starts a Master and its Workers on loopback and leaves nothing running. */
class SparkClusterExtensionIT {
  @Test
  void startsMasterAndWorkersOnLoopbackAndStopsEveryProcess() {
    SparkClusterExtension cluster = new SparkClusterExtension(2, 1, "512m");
    List<ProcessHandle> started;
    try {
      cluster.start();
      JsonNode master = cluster.masterState();
      assertThat(master.path("url").asText()).isEqualTo(cluster.masterUrl()).startsWith("spark://127.0.0.1:");
      assertThat(master.path("aliveworkers").asInt()).isEqualTo(2);
      List<String> registered = StreamSupport.stream(master.path("workers").spliterator(), false)
          .map(w -> w.path("host").asText() + ":" + w.path("port").asInt() + " " + w.path("cores").asInt()
              + " cores " + w.path("memory").asInt() + " MiB")
          .toList();
      assertThat(registered).containsExactlyInAnyOrderElementsOf(cluster.workers().stream()
          .map(w -> w.hostPort() + " 1 cores 512 MiB").toList());
      for (SparkClusterExtension.Worker w : cluster.workers()) {
        assertThat(cluster.workerState(w).path("masterurl").asText()).isEqualTo(cluster.masterUrl());
      }
      started = cluster.liveProcesses();
      assertThat(started).hasSizeGreaterThanOrEqualTo(3);
    } finally {
      cluster.close();
    }
    assertThat(started).noneMatch(ProcessHandle::isAlive);
    assertThat(cluster.liveProcesses()).isEmpty();
  }
}
