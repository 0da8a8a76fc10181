package dev.genvault.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.genvault.Generation;
import dev.genvault.GenerationRequest;
import dev.genvault.Message;
import dev.genvault.ModelClient;
import dev.genvault.ModelResult;
import dev.genvault.PersistentGenerator;
import dev.genvault.Usage;
import dev.genvault.jdbc.JdbcGenerationStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import org.springframework.ai.chat.memory.repository.jdbc.JdbcChatMemoryRepository;
import org.springframework.ai.chat.memory.repository.jdbc.PostgresChatMemoryRepositoryDialect;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.UserMessage;

/**
 * The same chat turns persisted by Genvault and by its Java peer, Spring AI's {@code
 * JdbcChatMemoryRepository}, on one durable PostgreSQL: 4 users (threads) × 25 conversations × 10
 * turns of a 200-character question and an 800-character answer. Genvault stores each turn as a
 * generation (its request carries the conversation so far; the model is an in-process client that
 * answers at once); Spring AI saves the whole conversation after each turn ({@code saveAll}, which
 * rewrites it). Reports turns per second, WAL bytes per turn (from {@code pg_current_wal_lsn()})
 * and table + index growth per turn, per round; the rounds alternate which side goes first.
 *
 * <p>Arguments (optional): rounds (3).
 */
public final class ChatPeerLoad {
  private static final int USERS = 4;
  private static final int CONVERSATIONS = 25;
  private static final int TURNS = 10;
  private static final String[] QUESTIONS = texts(190, 1);
  private static final String[] ANSWERS = texts(790, 2);

  private ChatPeerLoad() {}

  /** One side of the comparison: persists one user's conversations. */
  private interface Side {
    void user(int user, String round) throws Exception;
  }

  /**
   * Text that compresses like prose, not like one repeated letter (PostgreSQL compresses long
   * values, so a repeated letter would make every row look tiny): words of random letters.
   */
  private static String[] texts(int length, long seed) {
    java.util.SplittableRandom random = new java.util.SplittableRandom(seed);
    String[] texts = new String[TURNS];
    for (int t = 0; t < TURNS; t++) {
      StringBuilder b = new StringBuilder(length + 10);
      while (b.length() < length) {
        int word = 2 + random.nextInt(8);
        for (int i = 0; i < word; i++) {
          b.append((char) ('a' + random.nextInt(26)));
        }
        b.append(' ');
      }
      texts[t] = b.substring(0, length);
    }
    return texts;
  }

  private static String question(int turn) {
    return String.format(Locale.ROOT, "turn %04d: ", turn) + QUESTIONS[turn];
  }

  private static String answer(int turn) {
    return String.format(Locale.ROOT, "reply %04d ", turn) + ANSWERS[turn];
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    try (EmbeddedPostgres postgres = Databases.durable();
        HikariDataSource pool = Databases.pool(postgres, 16)) {
      try (InputStream ddl =
              JdbcChatMemoryRepository.class.getResourceAsStream("schema-postgresql.sql");
          Connection c = pool.getConnection();
          Statement s = c.createStatement()) {
        s.execute(new String(ddl.readAllBytes(), StandardCharsets.UTF_8));
      }
      JdbcChatMemoryRepository springAi =
          JdbcChatMemoryRepository.builder()
              .dataSource(pool)
              .dialect(new PostgresChatMemoryRepositoryDialect())
              .build();
      ModelClient model =
          ModelClient.of(
              "peer",
              call -> {
                int turn = call.request().messages().size() / 2;
                call.emit(answer(turn));
                return ModelResult.builder().finishReason("stop").usage(Usage.of(60, 200)).build();
              });
      try (JdbcGenerationStore store = JdbcGenerationStore.create(pool);
          PersistentGenerator genvault = PersistentGenerator.builder().store(store).build()) {
        Side genvaultSide =
            (user, round) -> {
              for (int conv = 0; conv < CONVERSATIONS; conv++) {
                List<Message> messages = new ArrayList<>();
                for (int turn = 0; turn < TURNS; turn++) {
                  messages.add(Message.user(question(turn)));
                  Generation g =
                      genvault.generate(
                          GenerationRequest.builder()
                              .model("gpt-4o-mini")
                              .messages(messages)
                              .userId("user-" + user + "-" + round)
                              .tenantId("bench")
                              .build(),
                          model);
                  messages.add(Message.assistant(g.text()));
                }
              }
            };
        Side springSide =
            (user, round) -> {
              for (int conv = 0; conv < CONVERSATIONS; conv++) {
                String id = UUID.randomUUID().toString();
                List<org.springframework.ai.chat.messages.Message> messages = new ArrayList<>();
                for (int turn = 0; turn < TURNS; turn++) {
                  messages.add(new UserMessage(question(turn)));
                  messages.add(new AssistantMessage(answer(turn)));
                  springAi.saveAll(id, messages);
                }
              }
            };
        System.out.printf(
            "%-10s %-9s %10s %12s %14s%n",
            "round", "side", "turns/s", "WAL B/turn", "growth B/turn");
        List<Double> ratios = new ArrayList<>();
        for (int round = 0; round < rounds; round++) {
          double[] g;
          double[] p;
          if (round % 2 == 0) {
            g = measure(pool, genvaultSide, "g" + round, "generations", "generation_chunks");
            p = measure(pool, springSide, "s" + round, "spring_ai_chat_memory");
          } else {
            p = measure(pool, springSide, "s" + round, "spring_ai_chat_memory");
            g = measure(pool, genvaultSide, "g" + round, "generations", "generation_chunks");
          }
          print(round, "genvault", g);
          print(round, "spring-ai", p);
          ratios.add(g[0] / p[0]);
        }
        Collections.sort(ratios);
        System.out.printf(
            Locale.ROOT,
            "genvault / spring-ai turns/s, median of rounds: %.2f%n",
            ratios.get(ratios.size() / 2));
      }
    }
  }

  private static void print(int round, String side, double[] m) {
    System.out.printf(
        Locale.ROOT, "%-10d %-9s %10.0f %12.0f %14.0f%n", round, side, m[0], m[1], m[2]);
  }

  /** Turns per second, WAL bytes per turn and table + index growth per turn of one run. */
  private static double[] measure(HikariDataSource pool, Side side, String round, String... tables)
      throws Exception {
    long size0 = size(pool, tables);
    String lsn0 = lsn(pool);
    List<Thread> users = new ArrayList<>();
    List<Exception> failures = Collections.synchronizedList(new ArrayList<>());
    long t0 = System.nanoTime();
    for (int u = 0; u < USERS; u++) {
      int user = u;
      Thread t =
          new Thread(
              () -> {
                try {
                  side.user(user, round);
                } catch (Exception e) {
                  failures.add(e);
                }
              });
      t.start();
      users.add(t);
    }
    for (Thread t : users) {
      t.join();
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    if (!failures.isEmpty()) {
      throw failures.get(0);
    }
    double turns = USERS * CONVERSATIONS * TURNS;
    long wal = walSince(pool, lsn0);
    long growth = size(pool, tables) - size0;
    return new double[] {turns / seconds, wal / turns, growth / turns};
  }

  private static String lsn(HikariDataSource pool) throws SQLException {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT pg_current_wal_lsn()")) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static long walSince(HikariDataSource pool, String lsn) throws SQLException {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '" + lsn + "')")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static long size(HikariDataSource pool, String... tables) throws SQLException {
    long total = 0;
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      for (String table : tables) {
        try (ResultSet rs = s.executeQuery("SELECT pg_total_relation_size('" + table + "')")) {
          rs.next();
          total += rs.getLong(1);
        }
      }
    }
    return total;
  }
}
