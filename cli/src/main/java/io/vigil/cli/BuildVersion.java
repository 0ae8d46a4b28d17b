package io.vigil.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;
import picocli.CommandLine.IVersionProvider;

/**
 * {@code vigil --version}: the version Maven built, from a resource it filters at build time, so it
 * cannot drift from the pom (scripts/vigil runs from target/classes, where no jar manifest exists).
 */
final class BuildVersion implements IVersionProvider {
  static final String RESOURCE = "version.properties";

  @Override
  public String[] getVersion() {
    return new String[] {"vigil " + version()};
  }

  static String version() {
    try (InputStream in = BuildVersion.class.getResourceAsStream(RESOURCE)) {
      if (in == null) {
        return "unknown (no " + RESOURCE + " beside " + BuildVersion.class.getName() + ": not built by Maven)";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
