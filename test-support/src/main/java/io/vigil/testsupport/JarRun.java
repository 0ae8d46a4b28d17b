package io.vigil.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * One run of a module's runnable jar as an operator starts it ({@code java -jar target/NAME-all.jar
 * ARGS}), its stdout and stderr kept apart. For integration tests: they run in {@code verify}, after
 * {@code package} built the jar.
 *
 * @param exitCode the process's exit code
 * @param stdout what it printed on stdout
 * @param stderr what it printed on stderr (where the runnable jars log)
 */
public record JarRun(int exitCode, String stdout, String stderr) {
  private static final Duration TIMEOUT = Duration.ofMinutes(2);

  /** The one jar in {@code target/} (of the module under test) whose file name matches the regex. */
  public static Path jar(String fileNameRegex) {
    try (Stream<Path> files = Files.list(Path.of("target").toAbsolutePath())) {
      return files.filter(p -> p.getFileName().toString().matches(fileNameRegex)).findFirst()
          .orElseThrow(() -> new AssertionError("no jar matching " + fileNameRegex
              + " in target/: integration tests run after the package phase (mvn verify)"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Runs {@code java -jar jar args} in {@code workDir} with this JVM's java, stdin empty, and waits for it. */
  public static JarRun run(Path jar, Path workDir, List<String> args) {
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar.toString()));
    command.addAll(args);
    try {
      Process p = new ProcessBuilder(command).directory(workDir.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
      CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(p.getInputStream()));
      CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
      if (!p.waitFor(TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError(command + " did not end within " + TIMEOUT.toSeconds() + " s");
      }
      return new JarRun(p.exitValue(), out.join(), err.join());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot start " + command + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while waiting for " + command, e);
    }
  }

  private static String read(InputStream in) {
    try (in) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    return "exit " + exitCode + "\n--- stdout:\n" + stdout + "\n--- stderr:\n" + stderr;
  }
}
