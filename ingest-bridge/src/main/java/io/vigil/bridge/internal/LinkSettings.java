package io.vigil.bridge.internal;

import io.vigil.common.config.Password;
import java.nio.file.Path;
import java.time.Duration;
import javax.net.ssl.SSLSocketFactory;

/**
 * What a connection to the broker needs, for either protocol version.
 *
 * @param receiveMaximum MQTT 5 only: the most unacknowledged messages the broker may send us
 * @param sessionExpiry MQTT 5 only: how long the broker keeps our session while we are away; null for never
 */
public record LinkSettings(String url, String clientId, Path persistenceDir, String username, Password password,
    Duration keepAlive, Duration connectTimeout, SSLSocketFactory tlsSocketFactory, boolean hostnameVerification,
    int receiveMaximum, Duration sessionExpiry) {

  /** Opens a new link of the configured protocol version. */
  public interface Connector {
    MqttLink connect(LinkSettings settings, MqttLink.Listener listener) throws MqttLink.LinkException;
  }
}
