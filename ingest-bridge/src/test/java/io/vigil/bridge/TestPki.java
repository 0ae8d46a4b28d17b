package io.vigil.bridge;

import java.io.IOException;
import java.io.OutputStream;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509ExtensionUtils;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A throw-away PKI made in the test: a CA, a broker certificate for 127.0.0.1 and localhost, and
 * client certificates, written as PEM (PKCS#8 keys) and PKCS12, as operators would hand them over.
 */
final class TestPki {
  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  /** A certificate with its key, written to {@code <name>.pem} and {@code <name>.key}. */
  record Issued(X509Certificate certificate, KeyPair keys, Path certFile, Path keyFile) {}

  final Path dir;
  final Issued ca;

  private TestPki(Path dir, Issued ca) {
    this.dir = dir;
    this.ca = ca;
  }

  /** A new CA under {@code dir} (EC P-256 keys: fast to make, and OpenSSL and the JDK both speak them). */
  static TestPki create(Path dir, String caName) {
    try {
      Files.createDirectories(dir);
      KeyPair keys = ecKeys();
      X500Name name = new X500Name("CN=" + caName);
      X509v3CertificateBuilder b = builder(name, name, keys);
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(true));
      b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
      X509Certificate cert = sign(b, keys);
      return new TestPki(dir, write(dir, caName, cert, keys));
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The broker's certificate, valid for 127.0.0.1 and localhost. */
  Issued server(String name) {
    return issue(name, true, false);
  }

  /** A client certificate; {@code rsa} makes an RSA key instead of EC. */
  Issued client(String name, boolean rsa) {
    return issue(name, false, rsa);
  }

  private Issued issue(String name, boolean server, boolean rsa) {
    try {
      KeyPair keys = rsa ? rsaKeys() : ecKeys();
      X509v3CertificateBuilder b = builder(X500Name.getInstance(ca.certificate().getSubjectX500Principal().getEncoded()),
          new X500Name("CN=" + name), keys);
      JcaX509ExtensionUtils ext = new JcaX509ExtensionUtils();
      b.addExtension(Extension.authorityKeyIdentifier, false, ext.createAuthorityKeyIdentifier(ca.certificate()));
      b.addExtension(Extension.basicConstraints, true, new BasicConstraints(false));
      b.addExtension(Extension.extendedKeyUsage, false,
          new ExtendedKeyUsage(server ? KeyPurposeId.id_kp_serverAuth : KeyPurposeId.id_kp_clientAuth));
      if (server) {
        b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
            new GeneralName(GeneralName.iPAddress, "127.0.0.1"), new GeneralName(GeneralName.dNSName, "localhost")}));
      }
      return write(dir, name, sign(b, ca.keys()), keys);
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A PKCS12 key store holding the issued certificate (with the CA in its chain) and key. */
  Path pkcs12(Issued issued, String password) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setKeyEntry("client", issued.keys().getPrivate(), password.toCharArray(),
          new Certificate[] {issued.certificate(), ca.certificate()});
      Path file = issued.certFile().resolveSibling(issued.certFile().getFileName().toString().replace(".pem", ".p12"));
      try (OutputStream out = Files.newOutputStream(file)) {
        store.store(out, password.toCharArray());
      }
      return file;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A PKCS12 trust store with the CA certificate. */
  Path truststore(String password) {
    try {
      KeyStore store = KeyStore.getInstance("PKCS12");
      store.load(null, null);
      store.setCertificateEntry("ca", ca.certificate());
      Path file = dir.resolve("truststore.p12");
      try (OutputStream out = Files.newOutputStream(file)) {
        store.store(out, password.toCharArray());
      }
      return file;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The key in OpenSSL's traditional format (BEGIN EC/RSA PRIVATE KEY), which the bridge refuses with advice. */
  Path traditionalKey(Issued issued) {
    try {
      StringWriter text = new StringWriter();
      try (JcaPEMWriter w = new JcaPEMWriter(text)) {
        w.writeObject(issued.keys().getPrivate());
      }
      Path file = issued.keyFile().resolveSibling("traditional-" + issued.keyFile().getFileName());
      Files.writeString(file, text.toString());
      return file;
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static X509v3CertificateBuilder builder(X500Name issuer, X500Name subject, KeyPair keys) {
    Instant now = Instant.now();
    return new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(2))), subject, keys.getPublic());
  }

  private static X509Certificate sign(X509v3CertificateBuilder b, KeyPair signer) throws GeneralSecurityException {
    try {
      String algorithm = signer.getPrivate().getAlgorithm().equals("RSA") ? "SHA256withRSA" : "SHA256withECDSA";
      return new JcaX509CertificateConverter().getCertificate(b.build(new JcaContentSignerBuilder(algorithm).build(signer.getPrivate())));
    } catch (org.bouncycastle.operator.OperatorCreationException | java.security.cert.CertificateException e) {
      throw new GeneralSecurityException(e);
    }
  }

  private static Issued write(Path dir, String name, X509Certificate cert, KeyPair keys) throws IOException, GeneralSecurityException {
    Path certFile = dir.resolve(name + ".pem");
    Path keyFile = dir.resolve(name + ".key");
    Files.writeString(certFile, pem("CERTIFICATE", cert.getEncoded()));
    // JCA encodes private keys as PKCS#8: exactly what mqtt.tls.key.file wants.
    Files.writeString(keyFile, pem("PRIVATE KEY", keys.getPrivate().getEncoded()));
    return new Issued(cert, keys, certFile, keyFile);
  }

  static String pem(String type, byte[] der) {
    return "-----BEGIN " + type + "-----\n"
        + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + type + "-----\n";
  }

  private static KeyPair ecKeys() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  private static KeyPair rsaKeys() throws GeneralSecurityException {
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    return g.generateKeyPair();
  }
}
