package io.vigil.stack;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Optional Mosquitto features beyond the stack's default (one anonymous plain listener): a second,
 * TLS listener (optionally requiring client certificates) and users with passwords. Used by tests
 * of TLS and login handling; {@link #defaults()} renders exactly the stack's configuration.
 *
 * @param tls the TLS listener, or null for none
 * @param users user name to password; when not empty, anonymous clients are refused on every listener
 */
public record MosquittoOptions(Tls tls, Map<String, String> users) {
  /**
   * A TLS listener on loopback.
   *
   * @param port its port; 0 lets the test fixture pick a free one
   * @param caFile PEM CA certificate(s) client certificates must chain to (Mosquitto's cafile)
   * @param certFile the broker's PEM certificate
   * @param keyFile the broker's PEM private key
   * @param requireCertificate whether clients must present a certificate (mutual TLS)
   */
  public record Tls(int port, Path caFile, Path certFile, Path keyFile, boolean requireCertificate) {
    public Tls withPort(int newPort) {
      return new Tls(newPort, caFile, certFile, keyFile, requireCertificate);
    }
  }

  public MosquittoOptions {
    users = Collections.unmodifiableMap(new LinkedHashMap<>(users));
  }

  public static MosquittoOptions defaults() {
    return new MosquittoOptions(null, Map.of());
  }

  public MosquittoOptions withTls(Tls newTls) {
    return new MosquittoOptions(newTls, users);
  }

  public MosquittoOptions withUser(String name, String password) {
    Map<String, String> more = new LinkedHashMap<>(users);
    more.put(name, password);
    return new MosquittoOptions(tls, more);
  }

  @Override
  public String toString() {
    // Passwords stay out of logs and assertion messages.
    return "MosquittoOptions[tls=" + tls + ", users=" + users.keySet() + "]";
  }
}
