package io.vigil.stack.internal;

import io.moquette.broker.Server;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * Main class of the embedded MQTT broker's own JVM (classpath: stack/target/mqtt-libs plus this
 * class). Imports nothing but Moquette and the JDK: the rest of stack is not on that classpath's
 * mind. Usage: {@code MoquetteLauncher <moquette.properties>}.
 */
public final class MoquetteLauncher {
  private MoquetteLauncher() {}

  public static void main(String[] args) throws IOException, InterruptedException {
    Properties props = new Properties();
    try (InputStream in = Files.newInputStream(Path.of(args[0]))) {
      props.load(in);
    }
    Server server = new Server();
    server.startServer(props);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.stopServer(); // flushes persistent sessions to the store before SIGTERM ends us
      stopped.countDown();
    }, "moquette-stop"));
    stopped.await();
  }
}
