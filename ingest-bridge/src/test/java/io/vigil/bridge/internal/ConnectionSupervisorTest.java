package io.vigil.bridge.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vigil.common.VigilException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The connect/reconnect policy, with links scripted by the test instead of a broker. */
class ConnectionSupervisorTest {
  static final LinkSettings SETTINGS = new LinkSettings("tcp://127.0.0.1:1", "c", Path.of("/tmp"), null, null,
      Duration.ofSeconds(30), Duration.ofSeconds(5), null, true, 1000, null);

  /** What each connect attempt does, in order: a link granting these codes, or an exception. */
  final Deque<Object> script = new ArrayDeque<>();
  final List<FakeLink> links = new CopyOnWriteArrayList<>();
  final List<String> events = new CopyOnWriteArrayList<>();
  final AtomicInteger attempts = new AtomicInteger();
  volatile VigilException fatal;
  volatile MqttLink.Listener listener;
  ConnectionSupervisor supervisor;

  @AfterEach
  void close() {
    if (supervisor != null) {
      supervisor.close();
    }
  }

  private ConnectionSupervisor supervisor() {
    LinkSettings.Connector connector = (settings, l) -> {
      attempts.incrementAndGet();
      listener = l;
      Object next;
      synchronized (script) {
        next = script.isEmpty() ? new int[] {1} : script.poll();
      }
      if (next instanceof MqttLink.LinkException e) {
        throw e;
      }
      FakeLink link = new FakeLink((int[]) next);
      links.add(link);
      return link;
    };
    supervisor = new ConnectionSupervisor(SETTINGS, connector, List.of(new MqttLink.Subscription("a/#", 1)), Duration.ofMillis(20),
        new ConnectionSupervisor.Events() {
          @Override
          public void messageArrived(InboundMessage message) {
            events.add("message");
          }

          @Override
          public void connected(MqttLink link, boolean reconnect) {
            events.add(reconnect ? "reconnected" : "connected");
          }

          @Override
          public void disconnected(Throwable cause) {
            events.add("lost");
          }

          @Override
          public void fatal(VigilException error) {
            fatal = error;
          }
        },
        e -> new VigilException("fatal: " + e.kind(), null, null, e),
        filter -> new VigilException("refused: " + filter, null, null));
    return supervisor;
  }

  private static MqttLink.LinkException failure(ConnectFailures.Kind kind) {
    return new MqttLink.LinkException(kind, kind.name(), null);
  }

  @Test
  void retriesRetriableFailuresOfTheFirstConnectThenSubscribes() {
    script.add(failure(ConnectFailures.Kind.RETRIABLE));
    script.add(failure(ConnectFailures.Kind.RETRIABLE));
    supervisor().start();
    assertThat(attempts).hasValue(3);
    assertThat(events).containsExactly("connected");
    assertThat(supervisor.current()).isSameAs(links.get(0));
    assertThat(links.get(0).subscribed).isTrue();
  }

  @Test
  void aRefusedLoginOnTheFirstConnectIsThrownAtOnce() {
    script.add(failure(ConnectFailures.Kind.LOGIN_REFUSED));
    assertThatThrownBy(() -> supervisor().start()).hasMessage("fatal: LOGIN_REFUSED");
    assertThat(attempts).hasValue(1);
  }

  @Test
  void aDeniedSubscriptionIsFatalAndClosesTheLink() {
    script.add(new int[] {0x80});
    assertThatThrownBy(() -> supervisor().start()).hasMessage("refused: a/#");
    assertThat(links.get(0).closed).isTrue();
  }

  @Test
  void aLostConnectionIsReplacedByANewLinkNeverTheOldOne() {
    supervisor().start();
    FakeLink first = links.get(0);
    first.connected = false;
    listener.connectionLost(first, new java.io.IOException("reset"));
    await().atMost(Duration.ofSeconds(5)).until(() -> events.contains("reconnected"));
    assertThat(events).containsExactly("connected", "lost", "reconnected");
    assertThat(links).hasSize(2);
    assertThat(first.closed).isTrue();
    assertThat(supervisor.current()).isSameAs(links.get(1));
  }

  @Test
  void aLoginRefusedOnReconnectIsReportedNotRetriedForever() {
    supervisor().start();
    script.add(failure(ConnectFailures.Kind.RETRIABLE));
    script.add(failure(ConnectFailures.Kind.LOGIN_REFUSED));
    links.get(0).connected = false;
    listener.connectionLost(links.get(0), new java.io.IOException("broker restarted"));
    await().atMost(Duration.ofSeconds(5)).until(() -> fatal != null);
    assertThat(fatal).hasMessage("fatal: LOGIN_REFUSED");
    assertThat(attempts).hasValue(3);
    assertThat(supervisor.current()).isNull();
  }

  @Test
  void aLossReportedByAnOldLinkIsIgnored() {
    supervisor().start();
    FakeLink stale = new FakeLink(new int[] {1});
    listener.connectionLost(stale, new java.io.IOException("old"));
    assertThat(events).containsExactly("connected");
    assertThat(supervisor.current()).isSameAs(links.get(0));
  }

  static final class FakeLink implements MqttLink {
    final int[] granted;
    volatile boolean connected = true;
    volatile boolean subscribed;
    volatile boolean closed;
    final List<Integer> acked = new ArrayList<>();

    FakeLink(int[] granted) {
      this.granted = granted;
    }

    @Override
    public String protocol() {
      return "fake";
    }

    @Override
    public int[] subscribe(List<Subscription> subscriptions, Duration timeout) {
      subscribed = true;
      return granted;
    }

    @Override
    public void acknowledge(int messageId, int qos) {
      acked.add(messageId);
    }

    @Override
    public void publish(String topic, byte[] payload, int qos) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean isConnected() {
      return connected && !closed;
    }

    @Override
    public void close(Duration timeout) {
      closed = true;
    }
  }
}
