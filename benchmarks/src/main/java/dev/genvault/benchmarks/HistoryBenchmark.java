package dev.genvault.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.genvault.Generation;
import dev.genvault.GenerationQuery;
import dev.genvault.Page;
import dev.genvault.jdbc.JdbcGenerationStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * A user's history page of 50 among 1,000,000 rows (1,000 users), newest first, through {@link
 * JdbcGenerationStore#list} and through plain JDBC running the same query.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(1)
public class HistoryBenchmark {
  private static final int ROWS = 1_000_000;
  private static final int USERS = 1_000;

  private EmbeddedPostgres postgres;
  private HikariDataSource pool;
  private JdbcGenerationStore store;

  @Setup(Level.Trial)
  public void load() throws Exception {
    postgres = Databases.forReads();
    pool = Databases.pool(postgres, 4);
    store = JdbcGenerationStore.create(pool);
    try (Connection c = pool.getConnection()) {
      c.createStatement()
          .execute(
              "INSERT INTO generations (id, kind, user_id, tenant_id, model, provider, request, text,"
                  + " finish_reason, usage, input_tokens, output_tokens, cost_usd, cost_table, status,"
                  + " fingerprint, created_at, completed_at, updated_at, blob_count)"
                  + " SELECT 'gen-' || i, 'text', 'user-' || (i % "
                  + USERS
                  + "), 'tenant-' || (i % 50),"
                  + " 'gpt-4o-mini', 'openai',"
                  + " ('{\"kind\":\"text\",\"model\":\"gpt-4o-mini\",\"prompt\":\"Write a haiku number ' || i || '\"}')::jsonb,"
                  + " repeat('text ', 40), 'stop', '{\"input_tokens\":120,\"output_tokens\":250}', 120, 250,"
                  + " 0.000168, '2026-08-21', 'complete', md5(i::text),"
                  + " now() - i * interval '1 second', now() - i * interval '1 second' + interval '2 seconds', now(), 0"
                  + " FROM generate_series(1, "
                  + ROWS
                  + ") AS i");
      c.createStatement().execute("VACUUM ANALYZE generations");
    }
  }

  @TearDown(Level.Trial)
  public void stop() throws Exception {
    pool.close();
    postgres.close();
  }

  private static String randomUser() {
    return "user-" + ThreadLocalRandom.current().nextInt(USERS);
  }

  @Benchmark
  public Page<Generation> genvault_historyPage() {
    return store.list(GenerationQuery.builder().userId(randomUser()).limit(50).build());
  }

  @Benchmark
  public void rawJdbc_historyPage(Blackhole bh) throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT id, kind, user_id, tenant_id, model, provider, provider_model,"
                    + " provider_response_id, request, metadata, text, finish_reason, usage,"
                    + " input_tokens, output_tokens, cost_usd, cost_table, saved_cost_usd, status,"
                    + " error_type, error_message, cached_from, fingerprint, created_at,"
                    + " first_token_at, completed_at, updated_at, heartbeat_at FROM generations"
                    + " WHERE user_id = ? ORDER BY created_at DESC, id DESC LIMIT 51")) {
      ps.setString(1, randomUser());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          bh.consume(rs.getString(1));
          bh.consume(rs.getString(9));
          bh.consume(rs.getString(11));
          bh.consume(rs.getString(13));
          bh.consume(rs.getBigDecimal(16));
          bh.consume(rs.getObject(24));
        }
      }
    }
  }
}
