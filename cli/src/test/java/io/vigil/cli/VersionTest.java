package io.vigil.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class VersionTest {
  @Test
  void versionIsThePomsVersion() {
    String expected = System.getProperty("vigil.expectedVersion");
    assertThat(expected).as("surefire passes the pom's version").isNotBlank();
    StringWriter out = new StringWriter();
    CommandLine cl = VigilMain.commandLine();
    cl.setOut(new PrintWriter(out));

    int code = cl.execute("--version");

    assertThat(code).isZero();
    assertThat(out.toString().strip()).isEqualTo("vigil " + expected);
  }
}
