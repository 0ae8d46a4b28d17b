package io.vigil.bridge;

import picocli.CommandLine;

/** Entry point of the runnable bridge jar. */
public final class BridgeMain {
  private BridgeMain() {}

  public static void main(String[] args) {
    System.exit(new CommandLine(new BridgeCommand()).execute(args));
  }
}
