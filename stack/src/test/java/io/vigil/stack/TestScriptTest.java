package io.vigil.stack;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * scripts/test, the README's one test command, against stand-ins for id, sudo, apt-get and mvn on
 * a PATH with nothing else (no real package manager is ever reached): it installs Mosquitto when it
 * is missing and it may, says how otherwise, then runs {@code mvn -B verify} with the extra arguments.
 */
class TestScriptTest {
  private static final Path ROOT = Path.of("").toAbsolutePath().getParent();
  private static final Path SCRIPT = ROOT.resolve("scripts/test");

  @TempDir Path dir;
  private Path bin;
  private Path calls;

  @BeforeEach
  void standIns() throws IOException {
    bin = Files.createDirectories(dir.resolve("bin"));
    calls = dir.resolve("calls.log");
    // What the script needs from the system, and nothing else.
    for (String tool : List.of("env", "cat", "true")) {
      Files.createSymbolicLink(bin.resolve(tool), system(tool));
    }
    stub("mvn", "echo \"mvn $*\" >> " + calls);
    stub("id", "echo \"$STUB_UID\"");
  }

  private static Path system(String tool) {
    return List.of(Path.of("/usr/bin", tool), Path.of("/bin", tool)).stream()
        .filter(Files::isExecutable).findFirst().orElseThrow();
  }

  private void stub(String name, String body) throws IOException {
    Path file = bin.resolve(name);
    Files.writeString(file, "#!/bin/bash\n" + body + "\n");
    Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /** apt-get that logs its calls and, on install, puts a mosquitto stand-in on the PATH. */
  private void aptGet() throws IOException {
    stub("apt-get", "echo \"apt-get $* (DEBIAN_FRONTEND=$DEBIAN_FRONTEND)\" >> " + calls + "\n"
        + "if [[ \"$1\" == install ]]; then printf '#!/bin/bash\\n' > " + bin.resolve("mosquitto")
        + "; " + system("chmod") + " +x " + bin.resolve("mosquitto") + "; fi");
  }

  private record Run(int exitCode, String output, List<String> calls) {}

  private Run run(String uid, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("/bin/bash", SCRIPT.toString()));
    command.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    Map<String, String> env = pb.environment();
    env.clear();
    env.put("PATH", bin.toString());
    env.put("STUB_UID", uid);
    env.put("VIGIL_MOSQUITTO_DIRS", ""); // not this machine's /usr/sbin/mosquitto
    Process p = pb.start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Run(p.exitValue(), output, Files.exists(calls) ? Files.readAllLines(calls) : List.of());
  }

  @Test
  void asRootItInstallsMosquittoWithAptGetThenRunsTheSuiteWithTheExtraArguments() throws Exception {
    aptGet();

    Run run = run("0", "-pl", "stack", "-am");

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.calls()).containsExactly(
        "apt-get update -qq (DEBIAN_FRONTEND=noninteractive)",
        "apt-get install -y -qq --no-install-recommends mosquitto (DEBIAN_FRONTEND=noninteractive)",
        "mvn -B verify -pl stack -am");
  }

  @Test
  void withPasswordlessSudoItInstallsThroughSudo() throws Exception {
    aptGet();
    stub("sudo", "echo \"sudo $*\" >> " + calls + "\n[[ \"$1\" == -n ]] && shift\nexec \"$@\"");

    Run run = run("1000");

    assertThat(run.exitCode()).as(run.output()).isZero();
    assertThat(run.calls()).contains(
        "sudo -n env DEBIAN_FRONTEND=noninteractive apt-get update -qq",
        "apt-get install -y -qq --no-install-recommends mosquitto (DEBIAN_FRONTEND=noninteractive)");
    assertThat(run.calls()).last().isEqualTo("mvn -B verify");
  }

  @Test
  void whenItMayNotInstallItSaysHowAndRunsNothing() throws Exception {
    aptGet();
    stub("sudo", "exit 1"); // sudo that wants a password

    Run run = run("1000");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.output()).contains("Mosquitto").contains("not installed")
        .contains("sudo apt-get install mosquitto").contains("-DskipITs");
    assertThat(run.calls()).isEmpty();
  }

  @Test
  void withoutAptGetItSaysHow() throws Exception {
    Run run = run("0");

    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.output()).contains("no apt-get").contains("brew install mosquitto");
    assertThat(run.calls()).isEmpty();
  }

  @Test
  void withMosquittoInstalledOrUnitTestsOnlyItJustRunsTheSuite() throws Exception {
    aptGet();
    assertThat(run("0", "-DskipITs").calls()).containsExactly("mvn -B verify -DskipITs");

    stub("mosquitto", "exit 0");
    assertThat(run("1000").calls()).containsExactly("mvn -B verify -DskipITs", "mvn -B verify");
  }

  @Test
  void ciRunsExactlyTheReadmesTestCommand() throws IOException {
    List<String> ci = Files.readAllLines(ROOT.resolve(".ci/run"));
    assertThat(ci).contains("scripts/test");
    assertThat(Files.readAllLines(ROOT.resolve("README.md"))).contains("scripts/test");
  }
}
