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
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
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
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * Commit ambiguity: the database commits, then the connection fails before the client hears so.
 * Every other write (a commit, or a write statement in autocommit) throws after it took effect; the
 * retries must leave no duplicate chunk, no double-counted usage and the right terminal status.
 */
class CommitAmbiguityFaultTest {

  /** Writes that fail after they took effect, every other time while armed. */
  static final class Ambiguity {
    final AtomicBoolean armed = new AtomicBoolean();
    final AtomicInteger writes = new AtomicInteger();
    final AtomicInteger lost = new AtomicInteger();

    /** {@code pool} as a DataSource whose connections lose the answers of writes. */
    DataSource around(DataSource pool) {
      return proxy(
          DataSource.class,
          pool,
          (method, result, args) ->
              method.getName().equals("getConnection") ? connection((Connection) result) : result);
    }

    /** After a write took effect: whether its answer is lost this time. */
    private void afterWrite() throws SQLException {
      if (armed.get() && writes.incrementAndGet() % 2 == 0) {
        lost.incrementAndGet();
        throw new SQLException(
            "An I/O error occurred while sending to the backend (after the commit)", "08006");
      }
    }

    private Connection connection(Connection real) {
      return proxy(
          Connection.class,
          real,
          (method, result, args) -> {
            switch (method.getName()) {
              case "commit" -> afterWrite();
              case "prepareStatement", "createStatement" -> {
                String sql = args != null && args[0] instanceof String s ? s : null;
                return statement((Statement) result, real, sql);
              }
              default -> {}
            }
            return result;
          });
    }

    private Statement statement(Statement real, Connection connection, String preparedSql) {
      Class<Statement> type =
          real instanceof PreparedStatement ? cast(PreparedStatement.class) : Statement.class;
      return proxy(
          type,
          real,
          (method, result, args) -> {
            if (method.getName().startsWith("execute") && connection.getAutoCommit()) {
              String sql = args != null && args[0] instanceof String s ? s : preparedSql;
              if (isWrite(sql)) {
                afterWrite();
              }
            }
            return result;
          });
    }

    @SuppressWarnings("unchecked")
    private static Class<Statement> cast(Class<? extends Statement> type) {
      return (Class<Statement>) type;
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
  }

  /** What a proxy does with each call's result. */
  interface After {
    Object apply(Method method, Object result, Object[] args) throws Throwable;
  }

  /** A proxy of {@code type} that calls {@code target}, then {@code after} with the result. */
  static <T> T proxy(Class<T> type, T target, After after) {
    InvocationHandler handler =
        (p, method, args) -> {
          Object result;
          try {
            result = method.invoke(target, args);
          } catch (InvocationTargetException e) {
            throw e.getCause();
          }
          return after.apply(method, result, args);
        };
    return type.cast(Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler));
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
    Ambiguity ambiguous = new Ambiguity();
    try (HikariDataSource pool = new HikariDataSource(config);
        JdbcGenerationStore store = JdbcGenerationStore.create(ambiguous.around(pool));
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
