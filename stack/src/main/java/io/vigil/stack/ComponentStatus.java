package io.vigil.stack;

import java.util.OptionalLong;

/** One server of the local stack as {@code vigil stack status} reports it. */
public record ComponentStatus(String name, OptionalLong pid, int port, boolean ready) {
  public String describe() {
    return String.format("%-16s %-9s pid %-8s port %-6d %s", name, ready ? "ready" : "NOT READY",
        pid.isPresent() ? Long.toString(pid.getAsLong()) : "-", port, ready ? "" : (pid.isPresent() ? "(running, not answering)" : "(not running)"));
  }
}
