package io.vigil.bridge.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.vigil.bridge.internal.ConnectFailures.Kind;
import java.io.EOFException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.security.cert.CertPathValidatorException;
import java.security.cert.CertificateException;
import java.util.stream.Stream;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLHandshakeException;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ConnectFailuresTest {
  static Stream<Arguments> failures() {
    return Stream.of(
        Arguments.of("bad user name or password", new MqttException(MqttException.REASON_CODE_FAILED_AUTHENTICATION), Kind.LOGIN_REFUSED),
        Arguments.of("not authorised", new MqttException(MqttException.REASON_CODE_NOT_AUTHORIZED), Kind.LOGIN_REFUSED),
        Arguments.of("client id refused", new MqttException(MqttException.REASON_CODE_INVALID_CLIENT_ID), Kind.REFUSED),
        Arguments.of("broker unavailable", new MqttException(MqttException.REASON_CODE_BROKER_UNAVAILABLE), Kind.RETRIABLE),
        Arguments.of("connection refused", paho(new ConnectException("Connection refused")), Kind.RETRIABLE),
        Arguments.of("timeout", new MqttException(MqttException.REASON_CODE_CLIENT_TIMEOUT), Kind.RETRIABLE),
        Arguments.of("socket timeout", paho(new SocketTimeoutException("connect timed out")), Kind.RETRIABLE),
        Arguments.of("unknown CA", paho(handshake("PKIX path building failed", new CertPathValidatorException("no path"))), Kind.TLS_UNTRUSTED),
        Arguments.of("host name mismatch", paho(handshake("No subject alternative names matching IP address 10.0.0.1 found",
            new CertificateException("No subject alternative names"))), Kind.TLS_UNTRUSTED),
        Arguments.of("client cert refused (alert)", paho(new SSLHandshakeException("Received fatal alert: bad_certificate")), Kind.TLS_HANDSHAKE),
        Arguments.of("client cert missing (TLS 1.3)", paho(new SSLException("Received fatal alert: certificate_required")), Kind.TLS_HANDSHAKE),
        Arguments.of("plain port", paho(new SSLException("Unsupported or unrecognized SSL message")), Kind.TLS_HANDSHAKE),
        Arguments.of("reset mid-handshake", paho(handshake("Remote host terminated the handshake", new EOFException("SSL peer shut down incorrectly"))), Kind.RETRIABLE));
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @MethodSource("failures")
  void sortsConnectFailuresIntoFatalAndRetriable(String name, MqttException failure, Kind expected) {
    assertThat(ConnectFailures.classify(failure)).isEqualTo(expected);
  }

  static Stream<Arguments> mqtt5Refusals() {
    return Stream.of(
        Arguments.of("bad user name or password", 0x86, Kind.LOGIN_REFUSED),
        Arguments.of("not authorized", 0x87, Kind.LOGIN_REFUSED),
        Arguments.of("bad authentication method", 0x8C, Kind.LOGIN_REFUSED),
        Arguments.of("unsupported protocol version", 0x84, Kind.REFUSED),
        Arguments.of("client identifier not valid", 0x85, Kind.REFUSED),
        Arguments.of("banned", 0x8A, Kind.REFUSED),
        Arguments.of("server unavailable", 0x88, Kind.RETRIABLE),
        Arguments.of("server busy", 0x89, Kind.RETRIABLE),
        Arguments.of("connection rate exceeded", 0x9F, Kind.RETRIABLE));
  }

  @ParameterizedTest(name = "MQTT 5 {0} (0x{1}) -> {2}")
  @MethodSource("mqtt5Refusals")
  void sortsMqtt5ConnackReasonCodes(String name, int reasonCode, Kind expected) {
    assertThat(ConnectFailures.classify(new org.eclipse.paho.mqttv5.common.MqttException(reasonCode))).isEqualTo(expected);
  }

  private static MqttException paho(Throwable cause) {
    return new MqttException(MqttException.REASON_CODE_CLIENT_EXCEPTION, cause);
  }

  private static SSLHandshakeException handshake(String message, Throwable cause) {
    SSLHandshakeException e = new SSLHandshakeException(message);
    e.initCause(cause);
    return e;
  }
}
