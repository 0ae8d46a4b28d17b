package io.vigil.bridge.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /metrics} (Prometheus text 0.0.4), {@code /health/live} and {@code /health/ready} on the
 * JDK's built-in HTTP server: no dependency, and its own threads, so a scrape never waits on the
 * bridge's MQTT or Kafka threads.
 */
public final class OpsHttpServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(OpsHttpServer.class);

  /** A health answer: healthy or not, and why, in one line for humans. */
  public record Health(boolean ok, String detail) {}

  private final HttpServer server;
  private final ExecutorService threads;

  public OpsHttpServer(InetSocketAddress address, Supplier<String> metrics, Supplier<Health> live, Supplier<Health> ready)
      throws IOException {
    server = HttpServer.create(address, 16);
    threads = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "vigil-bridge-http");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(threads);
    server.createContext("/metrics", exchange -> respond(exchange, 200, PrometheusText.CONTENT_TYPE, metrics.get()));
    server.createContext("/health/live", exchange -> health(exchange, live.get()));
    server.createContext("/health/ready", exchange -> health(exchange, ready.get()));
    server.start();
    log.info("Serving /metrics, /health/live and /health/ready on http://{}:{}", address.getHostString(), port());
  }

  /** The bound port (useful when 0 was asked for an ephemeral one). */
  public int port() {
    return server.getAddress().getPort();
  }

  private static void health(HttpExchange exchange, Health health) throws IOException {
    respond(exchange, health.ok() ? 200 : 503, "text/plain; charset=utf-8", (health.ok() ? "UP " : "DOWN ") + health.detail() + "\n");
  }

  private static void respond(HttpExchange exchange, int status, String contentType, String body) throws IOException {
    try (exchange) {
      if (!"GET".equals(exchange.getRequestMethod()) && !"HEAD".equals(exchange.getRequestMethod())) {
        exchange.sendResponseHeaders(405, -1);
        return;
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", contentType);
      boolean head = "HEAD".equals(exchange.getRequestMethod());
      exchange.sendResponseHeaders(status, head ? -1 : bytes.length);
      if (!head) {
        try (OutputStream out = exchange.getResponseBody()) {
          out.write(bytes);
        }
      }
    } catch (RuntimeException e) {
      log.warn("Could not answer {}: {}", exchange.getRequestURI(), e.toString());
      throw e;
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
