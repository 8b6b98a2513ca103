package io.gatehouse.impl.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.nio.ssl.TlsStrategy;
import org.apache.hc.core5.net.NamedEndpoint;
import org.apache.hc.core5.reactor.ssl.TransportSecurityLayer;
import org.apache.hc.core5.util.Timeout;
import org.junit.jupiter.api.Test;

class LazyTlsStrategyTest {
  private static final NamedEndpoint ENDPOINT = new HttpHost("https", "orders", 8443);

  @Test
  void makes_no_strategy_until_the_first_upgrade() {
    AtomicInteger made = new AtomicInteger();
    LazyTlsStrategy lazy = new LazyTlsStrategy(() -> {
      made.incrementAndGet();
      return new RecordingStrategy();
    });

    assertThat(lazy.made()).isFalse();
    assertThat(made).hasValue(0);
  }

  @Test
  void the_first_upgrade_makes_the_strategy_and_every_upgrade_goes_to_it() {
    AtomicInteger made = new AtomicInteger();
    RecordingStrategy delegate = new RecordingStrategy();
    LazyTlsStrategy lazy = new LazyTlsStrategy(() -> {
      made.incrementAndGet();
      return delegate;
    });

    lazy.upgrade(null, ENDPOINT, "first", Timeout.ofSeconds(1), new Outcome());
    lazy.upgrade(null, ENDPOINT, "second", Timeout.ofSeconds(1), new Outcome());

    assertThat(lazy.made()).isTrue();
    assertThat(made).hasValue(1);
    assertThat(delegate.attachments).containsExactly("first", "second");
  }

  @Test
  void upgrades_racing_on_several_threads_make_one_strategy() throws Exception {
    AtomicInteger made = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    LazyTlsStrategy lazy = new LazyTlsStrategy(() -> {
      made.incrementAndGet();
      return new RecordingStrategy();
    });
    ExecutorService threads = Executors.newFixedThreadPool(4);
    try {
      List<Future<TlsStrategy>> strategies = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        strategies.add(threads.submit(() -> {
          start.await();
          return lazy.strategy();
        }));
      }
      start.countDown();

      TlsStrategy first = strategies.get(0).get(5, TimeUnit.SECONDS);
      for (Future<TlsStrategy> strategy : strategies) {
        assertThat(strategy.get(5, TimeUnit.SECONDS)).isSameAs(first);
      }
      assertThat(made).hasValue(1);
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void a_strategy_that_cannot_be_made_fails_that_upgrade_and_the_next_upgrade_tries_again() {
    AtomicInteger attempts = new AtomicInteger();
    RecordingStrategy delegate = new RecordingStrategy();
    LazyTlsStrategy lazy = new LazyTlsStrategy(() -> {
      if (attempts.incrementAndGet() == 1) {
        throw new IllegalStateException("trust store unreadable");
      }
      return delegate;
    });
    Outcome first = new Outcome();

    lazy.upgrade(null, ENDPOINT, "first", Timeout.ofSeconds(1), first);

    assertThat(first.failure.get()).isInstanceOf(IllegalStateException.class).hasMessage("trust store unreadable");
    assertThat(lazy.made()).isFalse();

    lazy.upgrade(null, ENDPOINT, "second", Timeout.ofSeconds(1), new Outcome());

    assertThat(lazy.made()).isTrue();
    assertThat(attempts).hasValue(2);
    assertThat(delegate.attachments).containsExactly("second");
  }

  @Test
  void without_a_callback_a_strategy_that_cannot_be_made_throws() {
    LazyTlsStrategy lazy = new LazyTlsStrategy(() -> {
      throw new IllegalStateException("trust store unreadable");
    });

    assertThatThrownBy(() -> lazy.upgrade(null, ENDPOINT, null, Timeout.ofSeconds(1), null))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("trust store unreadable");
  }

  /** Records what it was asked to upgrade; never touches the session. */
  private static final class RecordingStrategy implements TlsStrategy {
    final List<Object> attachments = new ArrayList<>();

    @Override
    public void upgrade(TransportSecurityLayer session, NamedEndpoint endpoint, Object attachment, Timeout handshakeTimeout,
        FutureCallback<TransportSecurityLayer> callback) {
      attachments.add(attachment);
    }

    @Deprecated
    @Override
    public boolean upgrade(TransportSecurityLayer session, HttpHost host, SocketAddress localAddress, SocketAddress remoteAddress,
        Object attachment, Timeout handshakeTimeout) {
      attachments.add(attachment);
      return true;
    }
  }

  private static final class Outcome implements FutureCallback<TransportSecurityLayer> {
    final AtomicReference<Exception> failure = new AtomicReference<>();

    @Override
    public void completed(TransportSecurityLayer result) {}

    @Override
    public void failed(Exception ex) {
      failure.set(ex);
    }

    @Override
    public void cancelled() {}
  }
}
