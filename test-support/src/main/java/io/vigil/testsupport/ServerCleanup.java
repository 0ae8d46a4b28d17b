package io.vigil.testsupport;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Last-resort cleanup: servers a fixture started are stopped by a JVM shutdown hook if the test run
 * ends without the fixture's own after-all (a crash, a killed fork, an exception in setup).
 */
final class ServerCleanup {
  private static final Logger log = LoggerFactory.getLogger(ServerCleanup.class);
  private static final Set<AutoCloseable> OPEN = ConcurrentHashMap.newKeySet();

  static {
    Runtime.getRuntime().addShutdownHook(new Thread(ServerCleanup::closeAll, "vigil-test-server-cleanup"));
  }

  private ServerCleanup() {}

  static void register(AutoCloseable server) {
    OPEN.add(server);
  }

  static void unregister(AutoCloseable server) {
    OPEN.remove(server);
  }

  private static void closeAll() {
    for (AutoCloseable s : OPEN) {
      try {
        s.close();
      } catch (Exception e) {
        log.warn("Could not stop {} at JVM exit", s, e);
      }
    }
  }
}
