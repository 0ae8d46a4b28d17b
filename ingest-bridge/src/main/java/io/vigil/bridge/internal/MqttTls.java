package io.vigil.bridge.internal;

import io.vigil.common.VigilErrors;
import io.vigil.common.config.Password;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;

/**
 * The bridge's TLS client side towards the MQTT broker: trust from a PEM CA file, a trust store, or
 * the JVM's defaults; an optional client identity (mutual TLS) from PEM certificate and PKCS#8 key
 * files or from a key store. Only TLS 1.2 and 1.3 are offered.
 */
public final class MqttTls {
  public static final String CA_FILE = "mqtt.tls.ca.file";
  public static final String CERT_FILE = "mqtt.tls.cert.file";
  public static final String KEY_FILE = "mqtt.tls.key.file";
  public static final String TRUSTSTORE_FILE = "mqtt.tls.truststore.file";
  public static final String TRUSTSTORE_PASSWORD = "mqtt.tls.truststore.password";
  public static final String KEYSTORE_FILE = "mqtt.tls.keystore.file";
  public static final String KEYSTORE_PASSWORD = "mqtt.tls.keystore.password";
  public static final String HOSTNAME_VERIFICATION = "mqtt.tls.hostname.verification";

  // Protects the PEM key only inside the in-memory store built from it; never written anywhere.
  private static final char[] IN_MEMORY_PASSWORD = "in-memory".toCharArray();
  static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};
  private static final Pattern PEM_BLOCK = Pattern.compile("-----BEGIN ([A-Z0-9 ]+)-----([^-]*)-----END \\1-----");
  private static final String PKCS8_FIX = "Convert it to an unencrypted PKCS#8 PEM key (BEGIN PRIVATE KEY) with "
      + "`openssl pkcs8 -topk8 -nocrypt -in KEY -out KEY.pk8.pem`, or use mqtt.tls.keystore.file instead.";

  /** The TLS settings as configured; null fields are unset. */
  public record Settings(Path caFile, Path certFile, Path keyFile, Path truststoreFile, Password truststorePassword,
      Path keystoreFile, Password keystorePassword, boolean hostnameVerification) {

    /** Whether any trust or identity material is configured (hostname verification aside). */
    public boolean anyMaterial() {
      return caFile != null || certFile != null || keyFile != null || truststoreFile != null || truststorePassword != null
          || keystoreFile != null || keystorePassword != null;
    }

    /** Whether the bridge presents a client certificate. */
    public boolean clientCertificate() {
      return certFile != null || keystoreFile != null;
    }

    /** Where the broker's certificate is checked, in words for error messages. */
    public String trustSource() {
      if (caFile != null) {
        return CA_FILE + " (" + caFile + ")";
      }
      if (truststoreFile != null) {
        return TRUSTSTORE_FILE + " (" + truststoreFile + ")";
      }
      return "the JVM's default trust store, as neither " + CA_FILE + " nor " + TRUSTSTORE_FILE + " is set";
    }

    @Override
    public String toString() {
      // Records print every component; these passwords must never reach a log line.
      return "Settings[caFile=" + caFile + ", certFile=" + certFile + ", keyFile=" + keyFile + ", truststoreFile="
          + truststoreFile + ", keystoreFile=" + keystoreFile + ", hostnameVerification=" + hostnameVerification + "]";
    }
  }

  private MqttTls() {}

  /**
   * Checks the settings together and against the URL, then loads every file, so that every mistake
   * is reported at startup with the key to change. Returns the socket factory for ssl:// and wss://
   * URLs, null for plain ones.
   */
  public static SSLSocketFactory validateAndBuild(String mqttUrl, Settings s) {
    boolean tlsUrl = mqttUrl.startsWith("ssl://") || mqttUrl.startsWith("wss://");
    if (!tlsUrl) {
      if (s.anyMaterial()) {
        throw VigilErrors.tlsSettingsConflict("mqtt.url", "TLS files are configured but '" + mqttUrl + "' is not a TLS URL.",
            "Use an ssl:// (or wss://) URL for the broker's TLS port, or remove the mqtt.tls.* settings.");
      }
      return null;
    }
    pair(s.certFile(), CERT_FILE, s.keyFile(), KEY_FILE, "the client certificate and its private key go together");
    if (s.keystoreFile() != null && (s.certFile() != null || s.keyFile() != null)) {
      throw VigilErrors.tlsSettingsConflict(KEYSTORE_FILE, "both a key store and PEM files (" + CERT_FILE + ", " + KEY_FILE
          + ") give the client identity.", "Keep one: either " + KEYSTORE_FILE + " or " + CERT_FILE + " with " + KEY_FILE + ".");
    }
    if (s.truststoreFile() != null && s.caFile() != null) {
      throw VigilErrors.tlsSettingsConflict(TRUSTSTORE_FILE, "both a trust store and " + CA_FILE + " say which CAs to trust.",
          "Keep one: either " + TRUSTSTORE_FILE + " or " + CA_FILE + ".");
    }
    if (s.keystoreFile() != null && s.keystorePassword() == null) {
      throw VigilErrors.tlsSettingsConflict(KEYSTORE_PASSWORD, "it is needed to open " + KEYSTORE_FILE + " but is not set.",
          "Set " + KEYSTORE_PASSWORD + "=env:NAME or file:/path.");
    }
    orphan(s.keystorePassword(), KEYSTORE_PASSWORD, s.keystoreFile(), KEYSTORE_FILE);
    orphan(s.truststorePassword(), TRUSTSTORE_PASSWORD, s.truststoreFile(), TRUSTSTORE_FILE);

    TrustManager[] trust = trustManagers(s);
    KeyManager[] keys = keyManagers(s);
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys, trust, new SecureRandom());
      return new ProtocolLimitedFactory(context.getSocketFactory());
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("This JVM cannot create a TLS context: " + e, e);
    }
  }

  private static void pair(Path a, String aKey, Path b, String bKey, String why) {
    if (a != null && b == null) {
      throw VigilErrors.tlsSettingsConflict(bKey, "it is not set but " + aKey + " is: " + why + ".", "Set " + bKey + " as well, or remove " + aKey + ".");
    }
    if (b != null && a == null) {
      throw VigilErrors.tlsSettingsConflict(aKey, "it is not set but " + bKey + " is: " + why + ".", "Set " + aKey + " as well, or remove " + bKey + ".");
    }
  }

  private static void orphan(Password password, String passwordKey, Path file, String fileKey) {
    if (password != null && file == null) {
      throw VigilErrors.tlsSettingsConflict(passwordKey, "it is set but " + fileKey + " is not, so it would be ignored.",
          "Set " + fileKey + ", or remove " + passwordKey + ".");
    }
  }

  private static TrustManager[] trustManagers(Settings s) {
    KeyStore store;
    if (s.caFile() != null) {
      List<X509Certificate> cas = readCertificates(CA_FILE, s.caFile());
      store = emptyStore();
      try {
        for (int i = 0; i < cas.size(); i++) {
          store.setCertificateEntry("ca-" + i, cas.get(i));
        }
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException(e);
      }
    } else if (s.truststoreFile() != null) {
      store = loadStore(TRUSTSTORE_FILE, s.truststoreFile(), s.truststorePassword(), TRUSTSTORE_PASSWORD);
      if (entries(store, false) == 0) {
        throw VigilErrors.tlsMaterialUnusable(TRUSTSTORE_FILE, s.truststoreFile(), "it holds no trusted certificate.",
            "Import the broker's CA certificate, e.g. `keytool -importcert -file ca.pem -keystore " + s.truststoreFile() + "`.");
      }
    } else {
      return null; // the JVM's default trust managers
    }
    try {
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(store);
      return tmf.getTrustManagers();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private static KeyManager[] keyManagers(Settings s) {
    KeyStore store;
    char[] keyPassword;
    if (s.certFile() != null) {
      List<X509Certificate> chain = readCertificates(CERT_FILE, s.certFile());
      PrivateKey key = readPkcs8Key(KEY_FILE, s.keyFile());
      checkKeyMatches(key, chain.get(0), s);
      keyPassword = IN_MEMORY_PASSWORD.clone();
      store = emptyStore();
      try {
        store.setKeyEntry("client", key, keyPassword, chain.toArray(Certificate[]::new));
      } catch (GeneralSecurityException e) {
        throw VigilErrors.tlsMaterialUnusable(KEY_FILE, s.keyFile(), e.getMessage(), PKCS8_FIX);
      }
    } else if (s.keystoreFile() != null) {
      store = loadStore(KEYSTORE_FILE, s.keystoreFile(), s.keystorePassword(), KEYSTORE_PASSWORD);
      if (entries(store, true) == 0) {
        throw VigilErrors.tlsMaterialUnusable(KEYSTORE_FILE, s.keystoreFile(), "it holds no private key with a certificate.",
            "Create it from the client's certificate and key, e.g. `openssl pkcs12 -export -in client.pem -inkey client.key -out client.p12`.");
      }
      keyPassword = s.keystorePassword().chars();
    } else {
      return null;
    }
    try {
      KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      kmf.init(store, keyPassword);
      return kmf.getKeyManagers();
    } catch (GeneralSecurityException e) {
      // PKCS12 keys share the store's password; a JKS key with its own password ends up here.
      throw VigilErrors.tlsMaterialUnusable(KEYSTORE_FILE, s.keystoreFile(), "its private key cannot be opened with "
          + KEYSTORE_PASSWORD + " (" + e.getClass().getSimpleName() + ").",
          "Give the key the same password as the store, or re-export the store as PKCS12.");
    }
  }

  private static List<X509Certificate> readCertificates(String key, Path file) {
    byte[] bytes = readFile(key, file);
    try (InputStream in = new java.io.ByteArrayInputStream(bytes)) {
      Collection<? extends Certificate> certs = CertificateFactory.getInstance("X.509").generateCertificates(in);
      List<X509Certificate> out = new ArrayList<>();
      for (Certificate c : certs) {
        out.add((X509Certificate) c);
      }
      if (out.isEmpty()) {
        throw VigilErrors.tlsMaterialUnusable(key, file, "it holds no certificate.",
            "Point " + key + " at a PEM file with -----BEGIN CERTIFICATE----- blocks.");
      }
      return out;
    } catch (GeneralSecurityException | IOException e) {
      throw VigilErrors.tlsMaterialUnusable(key, file, "it is not a PEM or DER X.509 certificate file (" + e.getMessage() + ").",
          "Point " + key + " at a PEM file with -----BEGIN CERTIFICATE----- blocks.");
    }
  }

  /** Reads an unencrypted PKCS#8 PEM private key (RSA, EC or EdDSA). */
  static PrivateKey readPkcs8Key(String key, Path file) {
    String text = new String(readFile(key, file), StandardCharsets.US_ASCII);
    Matcher m = PEM_BLOCK.matcher(text);
    while (m.find()) {
      String type = m.group(1);
      if (type.equals("PRIVATE KEY")) {
        byte[] der;
        try {
          der = Base64.getMimeDecoder().decode(m.group(2).trim());
        } catch (IllegalArgumentException e) {
          throw VigilErrors.tlsMaterialUnusable(key, file, "its PRIVATE KEY block is not valid base64.", PKCS8_FIX);
        }
        for (String algorithm : List.of("RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS")) {
          try {
            return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
          } catch (InvalidKeySpecException | java.security.NoSuchAlgorithmException e) {
            // try the next algorithm
          }
        }
        throw VigilErrors.tlsMaterialUnusable(key, file, "its PKCS#8 key is not an RSA, EC or EdDSA key.", PKCS8_FIX);
      }
      if (type.equals("ENCRYPTED PRIVATE KEY") || type.endsWith(" PRIVATE KEY")) {
        throw VigilErrors.tlsMaterialUnusable(key, file, "it holds a '" + type + "' block; the bridge reads only unencrypted "
            + "PKCS#8 keys (BEGIN PRIVATE KEY).", PKCS8_FIX);
      }
    }
    throw VigilErrors.tlsMaterialUnusable(key, file, "it holds no -----BEGIN PRIVATE KEY----- block.", PKCS8_FIX);
  }

  /** A certificate paired with the wrong key fails only in the handshake, with an obscure alert: catch it here. */
  private static void checkKeyMatches(PrivateKey key, X509Certificate cert, Settings s) {
    PublicKey pub = cert.getPublicKey();
    String algorithm = switch (key.getAlgorithm()) {
      case "RSA" -> "SHA256withRSA";
      case "EC" -> "SHA256withECDSA";
      case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
      default -> null;
    };
    boolean matches;
    if (algorithm == null || !key.getAlgorithm().equals(pub.getAlgorithm())) {
      matches = algorithm == null; // unknown algorithms are left to the handshake
    } else {
      try {
        byte[] probe = "vigil-key-check".getBytes(StandardCharsets.US_ASCII);
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(probe);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(pub);
        verifier.update(probe);
        matches = verifier.verify(signature);
      } catch (GeneralSecurityException e) {
        matches = false;
      }
    }
    if (!matches) {
      throw VigilErrors.tlsMaterialUnusable(KEY_FILE, s.keyFile(), "it is not the private key of the first certificate in "
          + CERT_FILE + " (" + s.certFile() + ").", "Point " + KEY_FILE + " and " + CERT_FILE + " at a matching pair.");
    }
  }

  private static KeyStore loadStore(String key, Path file, Password password, String passwordKey) {
    readFile(key, file); // readable at all?
    try {
      return KeyStore.getInstance(file.toFile(), password == null ? null : password.chars());
    } catch (IOException e) {
      // Both a wrong password and a corrupt file end here; the cause says which.
      boolean wrongPassword = e.getCause() instanceof java.security.UnrecoverableKeyException
          || String.valueOf(e.getMessage()).toLowerCase().contains("password");
      throw VigilErrors.tlsMaterialUnusable(wrongPassword ? passwordKey : key, file,
          wrongPassword ? "the password in " + passwordKey + " does not open it." : "it is not a PKCS12 or JKS store (" + e.getMessage() + ").",
          wrongPassword ? "Check " + passwordKey + " (env:NAME or file:/path)." : "Point " + key + " at a .p12/.pfx or .jks file.");
    } catch (GeneralSecurityException e) {
      throw VigilErrors.tlsMaterialUnusable(key, file, "it is not a PKCS12 or JKS store (" + e.getMessage() + ").",
          "Point " + key + " at a .p12/.pfx or .jks file.");
    }
  }

  private static int entries(KeyStore store, boolean keys) {
    try {
      int n = 0;
      for (String alias : Collections.list(store.aliases())) {
        if (keys ? store.isKeyEntry(alias) && store.getCertificate(alias) != null : store.isCertificateEntry(alias)) {
          n++;
        }
      }
      return n;
    } catch (GeneralSecurityException e) {
      return 0;
    }
  }

  private static byte[] readFile(String key, Path file) {
    if (!Files.isRegularFile(file)) {
      throw VigilErrors.tlsMaterialUnusable(key, file, "no such file.", "Check the path in " + key + ".");
    }
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw VigilErrors.tlsMaterialUnusable(key, file, "it cannot be read (" + e.getMessage() + ").",
          "Make it readable by the user running the bridge.");
    }
  }

  private static KeyStore emptyStore() {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      return store;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Hands out sockets that offer only TLS 1.2 and 1.3, whatever the JVM's defaults allow. */
  static final class ProtocolLimitedFactory extends SSLSocketFactory {
    private final SSLSocketFactory delegate;

    ProtocolLimitedFactory(SSLSocketFactory delegate) {
      this.delegate = delegate;
    }

    private Socket limit(Socket socket) {
      if (socket instanceof SSLSocket ssl) {
        List<String> supported = List.of(ssl.getSupportedProtocols());
        ssl.setEnabledProtocols(java.util.Arrays.stream(PROTOCOLS).filter(supported::contains).toArray(String[]::new));
      }
      return socket;
    }

    @Override public String[] getDefaultCipherSuites() { return delegate.getDefaultCipherSuites(); }
    @Override public String[] getSupportedCipherSuites() { return delegate.getSupportedCipherSuites(); }
    @Override public Socket createSocket() throws IOException { return limit(delegate.createSocket()); }
    @Override public Socket createSocket(Socket s, String host, int port, boolean autoClose) throws IOException {
      return limit(delegate.createSocket(s, host, port, autoClose));
    }
    @Override public Socket createSocket(String host, int port) throws IOException { return limit(delegate.createSocket(host, port)); }
    @Override public Socket createSocket(String host, int port, InetAddress localHost, int localPort) throws IOException {
      return limit(delegate.createSocket(host, port, localHost, localPort));
    }
    @Override public Socket createSocket(InetAddress host, int port) throws IOException { return limit(delegate.createSocket(host, port)); }
    @Override public Socket createSocket(InetAddress address, int port, InetAddress localAddress, int localPort) throws IOException {
      return limit(delegate.createSocket(address, port, localAddress, localPort));
    }
  }
}
