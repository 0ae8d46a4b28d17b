package io.vigil.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vigil.bridge.internal.MqttTls;
import io.vigil.common.config.ConfigException;
import io.vigil.common.config.Password;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.security.cert.Certificate;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bridge's TLS client side, proven by real handshakes against an in-process TLS server on loopback. */
class MqttTlsTest {
  private static final String URL = "ssl://127.0.0.1:8883";
  @TempDir static Path dir;
  static TestPki pki;
  static TestPki.Issued server;
  static TestPki.Issued rsaClient;
  static TestPki.Issued ecClient;

  @BeforeAll
  static void pki() {
    pki = TestPki.create(dir.resolve("pki"), "Test CA");
    server = pki.server("broker");
    rsaClient = pki.client("bridge-rsa", true);
    ecClient = pki.client("bridge-ec", false);
  }

  private static MqttTls.Settings settings(Path ca, Path cert, Path key, Path truststore, String truststorePw, Path keystore, String keystorePw) {
    return new MqttTls.Settings(ca, cert, key, truststore, truststorePw == null ? null : new Password(truststorePw), keystore,
        keystorePw == null ? null : new Password(keystorePw), true);
  }

  @Test
  void pemFilesGiveMutualTlsWithAnRsaClientKey() throws Exception {
    SSLSocketFactory factory = MqttTls.validateAndBuild(URL, settings(pki.ca.certFile(), rsaClient.certFile(), rsaClient.keyFile(), null, null, null, null));
    assertThat(handshake(factory, true)).isEqualTo("CN=bridge-rsa");
  }

  @Test
  void pemFilesGiveMutualTlsWithAnEcClientKey() throws Exception {
    SSLSocketFactory factory = MqttTls.validateAndBuild(URL, settings(pki.ca.certFile(), ecClient.certFile(), ecClient.keyFile(), null, null, null, null));
    assertThat(handshake(factory, true)).isEqualTo("CN=bridge-ec");
  }

  @Test
  void pkcs12KeyStoreAndTrustStoreGiveMutualTls() throws Exception {
    Path keystore = pki.pkcs12(ecClient, "ks-secret");
    Path truststore = pki.truststore("ts-secret");
    SSLSocketFactory factory = MqttTls.validateAndBuild(URL, settings(null, null, null, truststore, "ts-secret", keystore, "ks-secret"));
    assertThat(handshake(factory, true)).isEqualTo("CN=bridge-ec");
  }

  @Test
  void caFileAloneGivesServerAuthenticatedTls() throws Exception {
    SSLSocketFactory factory = MqttTls.validateAndBuild(URL, settings(pki.ca.certFile(), null, null, null, null, null, null));
    assertThat(handshake(factory, false)).isEqualTo("(no client certificate)");
  }

  @Test
  void aServerFromAnotherCaIsNotTrusted() {
    TestPki other = TestPki.create(dir.resolve("other"), "Other CA");
    SSLSocketFactory factory = MqttTls.validateAndBuild(URL, settings(other.ca.certFile(), null, null, null, null, null, null));
    assertThatThrownBy(() -> handshake(factory, false)).hasStackTraceContaining("PKIX path");
  }

  @Test
  void offersOnlyTls12And13() throws Exception {
    SSLSocketFactory factory = MqttTls.validateAndBuild(URL, settings(pki.ca.certFile(), null, null, null, null, null, null));
    try (SSLSocket s = (SSLSocket) factory.createSocket()) {
      assertThat(s.getEnabledProtocols()).containsExactlyInAnyOrder("TLSv1.3", "TLSv1.2");
    }
  }

  @Test
  void plainUrlsNeedNoFactory() {
    assertThat(MqttTls.validateAndBuild("tcp://127.0.0.1:1883", settings(null, null, null, null, null, null, null))).isNull();
  }

  @Test
  void aKeyThatIsNotTheCertificatesIsRefusedUpFront() {
    assertThatThrownBy(() -> MqttTls.validateAndBuild(URL, settings(pki.ca.certFile(), rsaClient.certFile(), ecClient.keyFile(), null, null, null, null)))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("mqtt.tls.key.file"))
        .hasMessageContaining("not the private key");
  }

  @Test
  void aTraditionalOpenSslKeyIsRefusedWithTheConversionCommand() {
    Path traditional = pki.traditionalKey(ecClient);
    assertThatThrownBy(() -> MqttTls.validateAndBuild(URL, settings(pki.ca.certFile(), ecClient.certFile(), traditional, null, null, null, null)))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("mqtt.tls.key.file"))
        .hasMessageContaining("EC PRIVATE KEY").hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
  }

  @Test
  void aWrongKeyStorePasswordNamesThePasswordKeyButNeverShowsIt() {
    Path keystore = pki.pkcs12(rsaClient, "right-pass");
    assertThatThrownBy(() -> MqttTls.validateAndBuild(URL, settings(null, null, null, null, null, keystore, "wrong-pass-123")))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("mqtt.tls.keystore.password"))
        .hasMessageNotContaining("wrong-pass-123").hasMessageNotContaining("right-pass");
  }

  @Test
  void aCertificateFileThatIsNotACertificateIsRefused() {
    assertThatThrownBy(() -> MqttTls.validateAndBuild(URL, settings(rsaClient.keyFile(), null, null, null, null, null, null)))
        .isInstanceOfSatisfying(ConfigException.class, e -> assertThat(e.key()).isEqualTo("mqtt.tls.ca.file"));
  }

  @Test
  void settingsNeverPrintPasswords() {
    assertThat(settings(null, null, null, Path.of("/t.p12"), "ts-pw-1", Path.of("/k.p12"), "ks-pw-2").toString())
        .doesNotContain("ts-pw-1").doesNotContain("ks-pw-2");
  }

  /**
   * One handshake between {@code client} and a TLS server on loopback presenting the broker
   * certificate; returns the client certificate subject the server saw.
   */
  private static String handshake(SSLSocketFactory client, boolean requireClientCert) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    ks.load(null, null);
    ks.setKeyEntry("server", server.keys().getPrivate(), "x".toCharArray(), new Certificate[] {server.certificate(), pki.ca.certificate()});
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, "x".toCharArray());
    KeyStore ts = KeyStore.getInstance("PKCS12");
    ts.load(null, null);
    ts.setCertificateEntry("ca", pki.ca.certificate());
    TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    tmf.init(ts);
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), new SecureRandom());
    try (SSLServerSocket listener = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 1,
        java.net.InetAddress.getLoopbackAddress())) {
      listener.setNeedClientAuth(requireClientCert);
      CompletableFuture<String> seen = CompletableFuture.supplyAsync(() -> {
        try (SSLSocket s = (SSLSocket) listener.accept()) {
          s.setSoTimeout(10_000);
          s.startHandshake();
          InputStream in = s.getInputStream();
          int b = in.read();
          s.getOutputStream().write(b);
          s.getOutputStream().flush();
          return requireClientCert ? s.getSession().getPeerPrincipal().getName() : "(no client certificate)";
        } catch (Exception e) {
          return "server failed: " + e;
        }
      });
      try (SSLSocket s = (SSLSocket) client.createSocket(java.net.InetAddress.getLoopbackAddress(), listener.getLocalPort())) {
        s.setSoTimeout(10_000);
        javax.net.ssl.SSLParameters p = s.getSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS"); // as Paho does with hostname verification on
        s.setSSLParameters(p);
        s.startHandshake();
        OutputStream out = s.getOutputStream();
        out.write(42);
        out.flush();
        assertThat(s.getInputStream().read()).isEqualTo(42);
        assertThat(s.getSession().getProtocol()).isIn("TLSv1.3", "TLSv1.2");
      }
      return seen.get(20, TimeUnit.SECONDS);
    }
  }
}
