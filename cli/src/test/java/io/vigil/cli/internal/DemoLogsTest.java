package io.vigil.cli.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

class DemoLogsTest {
  private static final Logger LOG = LoggerFactory.getLogger("io.vigil.demo.test");

  @TempDir Path dir;

  @Test
  void everythingGoesToTheFileAndOnlyWarningsToTheScreenUntilClosed() throws Exception {
    LoggerContext context = (LoggerContext) LogManager.getContext(false);
    List<String> before = List.copyOf(context.getConfiguration().getRootLogger().getAppenders().keySet());
    List<String> screen = new CopyOnWriteArrayList<>();
    Path file = dir.resolve("vigil-demo.log");

    try (DemoLogs logs = DemoLogs.divert(file, screen::add)) {
      LOG.info("batch 7 committed");
      LOG.warn("the broker is slow");
    }
    LOG.warn("after the demo");

    assertThat(Files.readString(file)).contains("INFO  test - batch 7 committed").contains("WARN  test - the broker is slow")
        .doesNotContain("after the demo");
    assertThat(screen).hasSize(1).allMatch(l -> l.endsWith("WARN  test - the broker is slow"));
    assertThat(context.getConfiguration().getRootLogger().getAppenders().keySet()).containsExactlyElementsOf(before);
  }
}
