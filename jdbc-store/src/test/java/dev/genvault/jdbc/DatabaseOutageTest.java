package dev.genvault.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.genvault.CheckpointPolicy;
import dev.genvault.Generation;
import dev.genvault.GenerationRequest;
import dev.genvault.GenerationStatus;
import dev.genvault.ModelClient;
import dev.genvault.ModelResult;
import dev.genvault.PersistentGenerator;
import java.io.PrintWriter;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/** PostgreSQL goes away in the middle of a stream and comes back: nothing is lost. */
class DatabaseOutageTest {

  /** A DataSource that refuses connections while "down", as a pool does when the server is gone. */
  static final class SwitchableDataSource implements DataSource {
    final DataSource delegate;
    final AtomicBoolean down = new AtomicBoolean();
    final AtomicInteger refused = new AtomicInteger();

    SwitchableDataSource(DataSource delegate) {
      this.delegate = delegate;
    }

    @Override
    public Connection getConnection() throws SQLException {
      if (down.get()) {
        refused.incrementAndGet();
        throw new SQLTransientConnectionException("the database is down (simulated)", "08001");
      }
      return delegate.getConnection();
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
      return getConnection();
    }

    @Override
    public PrintWriter getLogWriter() throws SQLException {
      return delegate.getLogWriter();
    }

    @Override
    public void setLogWriter(PrintWriter out) throws SQLException {
      delegate.setLogWriter(out);
    }

    @Override
    public void setLoginTimeout(int seconds) throws SQLException {
      delegate.setLoginTimeout(seconds);
    }

    @Override
    public int getLoginTimeout() throws SQLException {
      return delegate.getLoginTimeout();
    }

    @Override
    public Logger getParentLogger() {
      return Logger.getGlobal();
    }

    @Override
    public <T> T unwrap(Class<T> iface) throws SQLException {
      return delegate.unwrap(iface);
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) throws SQLException {
      return delegate.isWrapperFor(iface);
    }
  }

  @Test
  void a_stream_survives_the_database_going_away_and_coming_back() throws Exception {
    SwitchableDataSource db = new SwitchableDataSource(Postgres.pool());
    JdbcGenerationStore store = JdbcGenerationStore.create(db);
    CountDownLatch firstHalfSent = new CountDownLatch(1);
    CountDownLatch secondHalf = new CountDownLatch(1);
    ModelClient client =
        ModelClient.of(
            "test",
            call -> {
              call.emit("before ");
              call.emit("the outage, ");
              firstHalfSent.countDown();
              secondHalf.await(20, TimeUnit.SECONDS);
              call.emit("during it, ");
              call.emit("and after.");
              return ModelResult.builder().finishReason("stop").build();
            });
    try (PersistentGenerator genvault =
        PersistentGenerator.builder()
            .store(store)
            .checkpointPolicy(new CheckpointPolicy(Duration.ofMillis(20), 64))
            .persistTimeout(Duration.ofSeconds(30))
            .build()) {
      String id = genvault.submit(GenerationRequest.prompt("m", "survive"), client);
      assertThat(firstHalfSent.await(10, TimeUnit.SECONDS)).isTrue();
      // The first half is checkpointed (in one chunk or two, as the checkpoint ticks fell).
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  store.chunks(id, -1).stream()
                      .map(dev.genvault.spi.Chunk::text)
                      .collect(java.util.stream.Collectors.joining())
                      .equals("before the outage, "));

      db.down.set(true);
      secondHalf.countDown(); // more text and the end arrive while the database is away
      await().atMost(Duration.ofSeconds(20)).until(() -> db.refused.get() >= 5);
      db.down.set(false);

      Generation done = genvault.follow(id).result();
      assertThat(done.status()).isEqualTo(GenerationStatus.COMPLETE);
      Generation stored = store.find(id).orElseThrow();
      assertThat(stored.status()).isEqualTo(GenerationStatus.COMPLETE);
      assertThat(stored.text()).isEqualTo("before the outage, during it, and after.");
    }
  }
}
