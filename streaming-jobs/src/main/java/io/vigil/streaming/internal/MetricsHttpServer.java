package io.vigil.streaming.internal;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.vigil.common.VigilErrors;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /metrics}, {@code /health/live} and {@code /health/ready} (every query active) of the
 * streaming job on the JDK's HTTP server, on its own daemon threads so a scrape never waits on Spark.
 */
public final class MetricsHttpServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MetricsHttpServer.class);
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;
  private final ExecutorService threads;

  public MetricsHttpServer(String bindAddress, int port, JobMetrics metrics) {
    try {
      server = HttpServer.create(new InetSocketAddress(bindAddress, port), 16);
    } catch (IOException | RuntimeException e) {
      throw VigilErrors.metricsEndpointCannotStart("The streaming job", bindAddress, port, e);
    }
    threads = Executors.newFixedThreadPool(2, r -> {
      Thread t = new Thread(r, "vigil-streaming-http");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(threads);
    server.createContext("/metrics", ex -> respond(ex, 200, metrics.render()));
    server.createContext("/health/live", ex -> respond(ex, 200, "UP\n"));
    server.createContext("/health/ready", ex -> {
      Map<String, Boolean> active = metrics.activeQueries();
      boolean ok = !active.isEmpty() && active.values().stream().allMatch(Boolean::booleanValue);
      respond(ex, ok ? 200 : 503, (ok ? "UP " : "DOWN ") + active + "\n");
    });
    server.start();
    LOG.info("Serving /metrics and /health on http://{}:{}", bindAddress, port());
  }

  public int port() {
    return server.getAddress().getPort();
  }

  private static void respond(HttpExchange exchange, int status, String body) throws IOException {
    try (exchange) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      exchange.getResponseHeaders().set("Content-Type", CONTENT_TYPE);
      exchange.sendResponseHeaders(status, bytes.length);
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(bytes);
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    threads.shutdownNow();
  }
}
