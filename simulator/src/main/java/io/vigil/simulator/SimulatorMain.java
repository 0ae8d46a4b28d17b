package io.vigil.simulator;

import picocli.CommandLine;

/** Entry point of the runnable simulator jar: {@code java -jar vigil-simulator-<version>-all.jar --help}. */
public final class SimulatorMain {
  private SimulatorMain() {}

  public static void main(String[] args) {
    System.exit(new CommandLine(new SimulateCommand()).execute(args));
  }
}
