package dev.genvault.examples.faults;

import static dev.genvault.examples.faults.FaultStack.ask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.genvault.CheckpointPolicy;
import dev.genvault.Generation;
import dev.genvault.GenerationStatus;
import dev.genvault.GenerationStream;
import dev.genvault.ModelClient;
import dev.genvault.ModelResult;
import dev.genvault.PersistentGenerator;
import dev.genvault.SpendQuery;
import dev.genvault.SpendRow;
import dev.genvault.Usage;
import dev.genvault.jdbc.JdbcDedupCache;
import dev.genvault.jdbc.JdbcGenerationStore;
import dev.genvault.spi.GroupCommitStore;
import java.io.PrintWriter;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Commit ambiguity: the database commits, then the connection fails before the client hears so.
 * Every other write (a commit, or a write statement in autocommit) throws after it took effect; the
 * retries must leave no duplicate chunk, no double-counted usage and the right terminal status.
 */
class CommitAmbiguityFaultTest {

  /** A DataSource whose writes fail after they took effect, every other time while armed. */
  static final class AmbiguousDataSource implements DataSource {
    final DataSource delegate;
    final AtomicBoolean armed = new AtomicBoolean();
    final AtomicInteger writes = new AtomicInteger();
    final AtomicInteger lost = new AtomicInteger();

    AmbiguousDataSource(DataSource delegate) {
      this.delegate = delegate;
    }

    /** After a write took effect: whether its answer is lost this time. */
    void afterWrite() throws SQLException {
      if (armed.get() && writes.incrementAndGet() % 2 == 0) {
        lost.incrementAndGet();
        throw new SQLException(
            "An I/O error occurred while sending to the backend (after the commit)", "08006");
      }
    }

    @Override
    public Connection getConnection() throws SQLException {
      return wrap(delegate.getConnection());
    }

    @Override
    public Connection getConnection(String user, String password) throws SQLException {
      return wrap(delegate.getConnection(user, password));
    }

    private Connection wrap(Connection real) {
      InvocationHandler handler =
          (proxy, method, args) -> {
            Object result = invoke(real, method, args);
            switch (method.getName()) {
              case "commit" -> afterWrite();
              case "prepareStatement", "createStatement" -> {
                String sql = args != null && args[0] instanceof String s ? s : null;
                return statement((Statement) result, real, sql);
              }
              default -> {}
            }
            return result;
          };
      return (Connection)
          Proxy.newProxyInstance(
              Connection.class.getClassLoader(), new Class<?>[] {Connection.class}, handler);
    }

    private Object statement(Statement real, Connection connection, String preparedSql) {
      InvocationHandler handler =
          (proxy, method, args) -> {
            Object result = invoke(real, method, args);
            String name = method.getName();
            if (name.startsWith("execute") && connection.getAutoCommit()) {
              String sql = args != null && args[0] instanceof String s ? s : preparedSql;
              if (isWrite(sql)) {
                afterWrite();
              }
            }
            return result;
          };
      Class<?>[] types =
          real instanceof java.sql.PreparedStatement
              ? new Class<?>[] {java.sql.PreparedStatement.class}
              : new Class<?>[] {Statement.class};
      return Proxy.newProxyInstance(Statement.class.getClassLoader(), types, handler);
    }

    private static boolean isWrite(String sql) {
      if (sql == null) {
        return false;
      }
      String s = sql.stripLeading().toUpperCase(Locale.ROOT);
      return s.startsWith("INSERT")
          || s.startsWith("UPDATE")
          || s.startsWith("DELETE")
          || s.startsWith("WITH");
    }

    private static Object invoke(Object target, Method method, Object[] args) throws Throwable {
      try {
        return method.invoke(target, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
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
  void writes_whose_answer_is_lost_after_the_commit_leave_exact_rows() throws Exception {
    FaultStack.startServers();
    String database = "faults_ambiguous";
    try (Connection c = FaultStack.admin();
        Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + database);
      st.execute("CREATE DATABASE " + database);
    }
    HikariConfig config = new HikariConfig();
    config.setJdbcUrl(FaultStack.directUrl(database));
    config.setMaximumPoolSize(4);
    AmbiguousDataSource ambiguous;
    try (HikariDataSource pool = new HikariDataSource(config);
        JdbcGenerationStore store =
            JdbcGenerationStore.create(ambiguous = new AmbiguousDataSource(pool));
        PersistentGenerator genvault =
            PersistentGenerator.builder()
                .store(GroupCommitStore.wrap(store))
                .cache(JdbcDedupCache.create(store))
                .checkpointPolicy(new CheckpointPolicy(Duration.ofMillis(20), 1))
                .build()) {
      ambiguous.armed.set(true);
      CountDownLatch halfway = new CountDownLatch(1);
      CountDownLatch resume = new CountDownLatch(1);
      AtomicInteger calls = new AtomicInteger();
      ModelClient model =
          call -> {
            calls.incrementAndGet();
            for (int i = 0; i < 20; i++) {
              call.emit("p" + i + " ");
              if (i == 9 && call.request().prompt().equals("paused")) {
                halfway.countDown();
                if (!resume.await(30, TimeUnit.SECONDS)) {
                  throw new IllegalStateException("never resumed");
                }
              }
            }
            return ModelResult.builder().finishReason("stop").usage(Usage.of(100, 20)).build();
          };
      StringBuilder expected = new StringBuilder();
      for (int i = 0; i < 20; i++) {
        expected.append("p").append(i).append(' ');
      }

      // Halfway through a stream, what is stored is exactly what was emitted: no chunk twice.
      GenerationStream paused = genvault.stream(ask("alice", "paused"), model);
      assertThat(halfway.await(30, TimeUnit.SECONDS)).isTrue();
      String firstHalf = expected.substring(0, expected.indexOf("p10 "));
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> genvault.find(paused.id()).orElseThrow().text().equals(firstHalf));
      resume.countDown();

      List<Generation> done = new ArrayList<>();
      done.add(paused.result());
      for (int i = 0; i < 5; i++) {
        done.add(genvault.generate(ask("alice", "question " + i), model));
      }
      assertThat(ambiguous.lost.get()).as("answers lost after a commit").isGreaterThan(5);

      for (Generation g : done) {
        Generation row = genvault.find(g.id()).orElseThrow();
        assertThat(row.status()).isEqualTo(GenerationStatus.COMPLETE);
        assertThat(row.text()).isEqualTo(expected.toString());
        assertThat(row.usage().inputTokens()).isEqualTo(100L);
        assertThat(row.usage().outputTokens()).isEqualTo(20L);
        assertThat(store.chunks(g.id(), -1)).isEmpty();
      }
      assertThat(calls).hasValue(6);
      ambiguous.armed.set(false);
      List<SpendRow> spend =
          store.spend(SpendQuery.between(Instant.EPOCH, Instant.now().plusSeconds(60)));
      assertThat(spend).hasSize(1);
      assertThat(spend.get(0).generations()).isEqualTo(6);
      assertThat(spend.get(0).inputTokens()).isEqualTo(600);
      assertThat(spend.get(0).outputTokens()).isEqualTo(120);
    }
  }
}
