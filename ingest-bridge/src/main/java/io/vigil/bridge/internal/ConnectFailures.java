package io.vigil.bridge.internal;

import java.security.cert.CertPathBuilderException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLPeerUnverifiedException;
import org.eclipse.paho.client.mqttv3.MqttException;

/**
 * Sorts a failed MQTT connect into what retrying may fix (the broker is down, restarting, slow) and
 * what it cannot (the broker refuses our login, we do not trust its certificate, it refuses ours),
 * after Kafka Connect's split of RetriableException from everything else. A fatal failure retried
 * forever looks to the operator like a bridge that simply never starts.
 */
public final class ConnectFailures {
  public enum Kind {
    /** CONNACK 4 or 5: wrong user name or password, or not authorised. */
    LOGIN_REFUSED,
    /** CONNACK 1 or 2: the broker will refuse this protocol version or client id every time. */
    REFUSED,
    /** The broker's certificate did not verify (unknown CA, expired, wrong host name). */
    TLS_UNTRUSTED,
    /** The handshake failed otherwise: most often the broker refused or missed our client certificate. */
    TLS_HANDSHAKE,
    /** Connection refused, reset, timed out, broker unavailable: try again later. */
    RETRIABLE
  }

  private ConnectFailures() {}

  public static Kind classify(MqttException e) {
    return switch (e.getReasonCode()) {
      case MqttException.REASON_CODE_FAILED_AUTHENTICATION, MqttException.REASON_CODE_NOT_AUTHORIZED -> Kind.LOGIN_REFUSED;
      case MqttException.REASON_CODE_INVALID_PROTOCOL_VERSION, MqttException.REASON_CODE_INVALID_CLIENT_ID -> Kind.REFUSED;
      default -> classifyCause(e);
    };
  }

  /** MQTT 5: the CONNACK reason codes of MQTT 5.0 section 3.2.2.2. */
  public static Kind classify(org.eclipse.paho.mqttv5.common.MqttException e) {
    return switch (e.getReasonCode()) {
      // bad user name or password, not authorized, bad authentication method
      case 0x86, 0x87, 0x8C -> Kind.LOGIN_REFUSED;
      // unsupported protocol version, client identifier not valid, banned
      case 0x84, 0x85, 0x8A -> Kind.REFUSED;
      default -> classifyCause(e);
    };
  }

  private static Kind classifyCause(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof CertificateException || t instanceof CertPathValidatorException
          || t instanceof CertPathBuilderException || t instanceof SSLPeerUnverifiedException) {
        return Kind.TLS_UNTRUSTED;
      }
    }
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof java.io.EOFException || t instanceof java.net.SocketException) {
        return Kind.RETRIABLE; // the connection dropped mid-handshake: a restarting broker looks like this
      }
    }
    for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof SSLHandshakeException || (t instanceof SSLException && isFatalSslMessage(t.getMessage()))) {
        return Kind.TLS_HANDSHAKE;
      }
    }
    return Kind.RETRIABLE;
  }

  /**
   * A TLS alert from the broker (bad_certificate, certificate_required, handshake_failure...) or
   * plain text where TLS was expected is a configuration problem; a reset mid-handshake is not.
   */
  private static boolean isFatalSslMessage(String message) {
    String m = String.valueOf(message).toLowerCase();
    return m.contains("alert") || m.contains("unrecognized ssl message") || m.contains("certificate");
  }
}
