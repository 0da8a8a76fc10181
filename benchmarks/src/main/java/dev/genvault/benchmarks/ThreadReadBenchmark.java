package dev.genvault.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.genvault.Cost;
import dev.genvault.Generation;
import dev.genvault.GenerationRequest;
import dev.genvault.GenerationStatus;
import dev.genvault.Message;
import dev.genvault.PriceSource;
import dev.genvault.ThreadLink;
import dev.genvault.Usage;
import dev.genvault.jdbc.JdbcGenerationStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
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
 * Reading the 50th turn of a conversation (200-character questions, 800-character answers) whole:
 * through {@link JdbcGenerationStore#find} of a continuation (its row holds its own question; the
 * other 98 messages come from its 49 ancestors, in one recursive query), through {@code find} of
 * the same request stored whole (as every request was before threads), and through plain JDBC
 * selecting that whole row's request and text.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(1)
public class ThreadReadBenchmark {
  static final int TURNS = 50;

  private EmbeddedPostgres postgres;
  private HikariDataSource pool;
  private JdbcGenerationStore store;
  private String continuation;
  private String whole;

  @Setup(Level.Trial)
  public void load() throws Exception {
    postgres = Databases.forReads();
    pool = Databases.pool(postgres, 4);
    store = JdbcGenerationStore.create(pool);
    SplittableRandom random = new SplittableRandom(7);
    List<Message> messages = new ArrayList<>();
    Generation last = null;
    Instant at = Instant.parse("2026-11-29T10:00:00Z");
    for (int t = 0; t < TURNS; t++) {
      messages.add(Message.user(ChatPeerLoad.words(random, 200)));
      Generation pending =
          Generation.builder()
              .id(String.format("thread-turn-%04d", t))
              .request(request(messages, null))
              .createdAt(at.plusSeconds(t))
              .link(
                  last == null
                      ? null
                      : new ThreadLink(last.id(), "thread-turn-0000", messages.size() - 1))
              .build();
      store.insert(pending);
      last = answered(pending, ChatPeerLoad.words(random, 800));
      store.finish(last);
      messages.add(Message.assistant(last.text()));
    }
    continuation = last.id();
    Generation copy =
        answered(
            Generation.builder()
                .id("stored-whole-0050")
                .request(last.request())
                .createdAt(at.plusSeconds(TURNS))
                .build(),
            last.text());
    store.insertTerminal(copy);
    whole = copy.id();
    try (Connection c = pool.getConnection()) {
      c.createStatement().execute("VACUUM ANALYZE generations");
    }
  }

  private static GenerationRequest request(List<Message> messages, String parent) {
    return GenerationRequest.builder()
        .model("gpt-4o-mini")
        .messages(messages)
        .userId("reader")
        .tenantId("bench")
        .parentId(parent)
        .build();
  }

  private static Generation answered(Generation pending, String answer) {
    Instant done = pending.createdAt().plusMillis(900);
    return pending.toBuilder()
        .status(GenerationStatus.COMPLETE)
        .text(answer)
        .finishReason("stop")
        .usage(Usage.of(60, 200))
        .cost(new Cost(new BigDecimal("0.000129"), PriceSource.table("2026-08-21")))
        .firstTokenAt(done.minusMillis(500))
        .completedAt(done)
        .updatedAt(done)
        .heartbeatAt(null)
        .build();
  }

  @TearDown(Level.Trial)
  public void stop() throws Exception {
    pool.close();
    postgres.close();
  }

  @Benchmark
  public Generation genvault_find50thTurnStoredAsContinuation() {
    return store.find(continuation).orElseThrow();
  }

  @Benchmark
  public Generation genvault_find50thTurnStoredWhole() {
    return store.find(whole).orElseThrow();
  }

  @Benchmark
  public void rawJdbc_select50thTurnStoredWhole(Blackhole bh) throws SQLException {
    try (Connection c = pool.getConnection();
        PreparedStatement ps =
            c.prepareStatement("SELECT request, text FROM generations WHERE id = ?")) {
      ps.setString(1, whole);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        bh.consume(rs.getString(1));
        bh.consume(rs.getString(2));
      }
    }
  }
}
