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
import dev.genvault.spi.ForwardingGenerationStore;
import dev.genvault.spi.GenerationStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.UUID;
import org.jspecify.annotations.Nullable;
import org.springframework.ai.chat.memory.repository.jdbc.JdbcChatMemoryRepository;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.UserMessage;

/**
 * The same chat turns persisted by Genvault and by its Java peer, Spring AI's {@code
 * JdbcChatMemoryRepository}, on one durable PostgreSQL: 4 users (threads) x conversations of 10 or
 * 50 turns (1,000 turns per side per round: 25 or 5 conversations each), a 200-character question
 * and an 800-character answer per turn. Genvault stores each turn as a generation (its request
 * carries the conversation so far, as a chat app sends it; the store keeps only the new question
 * and links the turn to the one before; the model is an in-process client that answers at once);
 * Spring AI saves the whole conversation after each turn ({@code saveAll}, which rewrites it).
 * Reports turns per second, WAL bytes per turn (from {@code pg_current_wal_lsn()}) and table +
 * index growth per turn, per round; the rounds rotate which side goes first. Each side's tables are
 * vacuumed after its run, as autovacuum would: round 0 grows fresh tables, later rounds show the
 * steady state, where superseded row versions (Genvault's pending rows, Spring AI's deleted
 * messages) leave space that new rows reuse. Then the size of Genvault's rows by turn: turn 50
 * should cost no more than turn 5.
 *
 * <p>Arguments (optional): rounds (3), turns per conversation (10).
 */
public final class ChatPeerLoad {
  private static final int USERS = 4;
  private static final int TURNS_PER_USER = 250;
  private static int turns = 10;
  private static int conversations = TURNS_PER_USER / turns;
  private static String[] questions;
  private static String[] answers;

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
    SplittableRandom random = new SplittableRandom(seed);
    String[] texts = new String[turns];
    for (int t = 0; t < turns; t++) {
      texts[t] = words(random, length);
    }
    return texts;
  }

  /** {@code length} characters of words of random letters. */
  static String words(SplittableRandom random, int length) {
    StringBuilder b = new StringBuilder(length + 10);
    while (b.length() < length) {
      int word = 2 + random.nextInt(8);
      for (int i = 0; i < word; i++) {
        b.append((char) ('a' + random.nextInt(26)));
      }
      b.append(' ');
    }
    return b.substring(0, length);
  }

  /**
   * A question unique to its conversation: identical conversations would be served from Genvault's
   * dedup cache (a copy, one commit, no model call), which is not the path measured.
   */
  private static String question(String conversation, int turn) {
    return String.format(Locale.ROOT, "%s turn %04d: ", conversation, turn)
        + questions[turn].substring(conversation.length() + 1);
  }

  private static String answer(int turn) {
    return String.format(Locale.ROOT, "reply %04d ", turn) + answers[turn];
  }

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    turns = args.length > 1 ? Integer.parseInt(args[1]) : 10;
    conversations = TURNS_PER_USER / turns;
    questions = texts(190, 1);
    answers = texts(790, 2);
    try (EmbeddedPostgres postgres = Databases.durable();
        HikariDataSource pool = Databases.pool(postgres, 16);
        // The same store with threads off writes to a database of its own, so that each side's
        // growth is its own (one side would reuse the space the other's vacuum freed).
        HikariDataSource wholePool = Databases.pool(postgres, "whole", 16);
        JdbcGenerationStore wholeStore = JdbcGenerationStore.create(wholePool)) {
      JdbcChatMemoryRepository springAi = Databases.springAiMemory(pool);
      ModelClient model =
          ModelClient.of(
              "peer",
              call -> {
                int turn = call.request().messages().size() / 2;
                call.emit(answer(turn));
                return ModelResult.builder().finishReason("stop").usage(Usage.of(60, 200)).build();
              });
      try (JdbcGenerationStore store = JdbcGenerationStore.create(pool);
          PersistentGenerator genvault = PersistentGenerator.builder().store(store).build();
          PersistentGenerator whole =
              PersistentGenerator.builder().store(new StoredWhole(wholeStore)).build()) {
        Side springSide =
            (user, round) -> {
              for (int conv = 0; conv < conversations; conv++) {
                String id = UUID.randomUUID().toString();
                List<org.springframework.ai.chat.messages.Message> messages = new ArrayList<>();
                for (int turn = 0; turn < turns; turn++) {
                  messages.add(new UserMessage(question(user + "-" + round + "-" + conv, turn)));
                  messages.add(new AssistantMessage(answer(turn)));
                  springAi.saveAll(id, messages);
                }
              }
            };
        String[] names = {"genvault", "whole", "spring-ai"};
        Side[] sides = {
          genvaultSide(genvault, model, "user-"), genvaultSide(whole, model, "whole-"), springSide
        };
        String[][] tables = {
          {"generations", "generation_chunks", "generation_leases"},
          {"generations", "generation_chunks", "generation_leases"},
          {"spring_ai_chat_memory"}
        };
        System.out.printf(
            "%-6s %-9s %10s %12s %14s%n",
            "round", "side", "turns/s", "WAL B/turn", "growth B/turn");
        List<Double> ratios = new ArrayList<>();
        List<Double> againstWhole = new ArrayList<>();
        Map<String, Long> lastRound = new TreeMap<>();
        for (int round = 0; round < rounds; round++) {
          double[][] m = new double[3][];
          for (int k = 0; k < 3; k++) {
            int side = (round + k) % 3; // each round starts with the next side
            boolean last = side == 0 && round == rounds - 1;
            m[side] =
                measure(
                    side == 1 ? wholePool : pool,
                    sides[side],
                    names[side].charAt(0) + "" + round,
                    last ? lastRound : null,
                    tables[side]);
          }
          for (int side = 0; side < 3; side++) {
            print(round, names[side], m[side]);
          }
          ratios.add(m[0][0] / m[2][0]);
          againstWhole.add(m[0][0] / m[1][0]);
        }
        System.out.printf(
            Locale.ROOT,
            "genvault / spring-ai turns/s, median of rounds: %.2f%n"
                + "genvault / genvault storing each request whole (as before threads): %.2f%n",
            median(ratios),
            median(againstWhole));
        rowSizes(pool);
        relationSizes(pool);
        System.out.printf("%-34s %12s%n", "relation", "growth B/turn in the last round (genvault)");
        double total = USERS * conversations * turns;
        lastRound.forEach(
            (relation, bytes) ->
                System.out.printf(Locale.ROOT, "%-34s %12.0f%n", relation, bytes / total));
      }
    }
  }

  private static double median(List<Double> values) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    return sorted.get(sorted.size() / 2);
  }

  /** One user's conversations through a generator, each turn sending the conversation so far. */
  private static Side genvaultSide(PersistentGenerator generator, ModelClient model, String who) {
    return (user, round) -> {
      for (int conv = 0; conv < conversations; conv++) {
        List<Message> messages = new ArrayList<>();
        for (int turn = 0; turn < turns; turn++) {
          messages.add(Message.user(question(user + "-" + round + "-" + conv, turn)));
          Generation g =
              generator.generate(
                  GenerationRequest.builder()
                      .model("gpt-4o-mini")
                      .messages(messages)
                      .userId(who + user + "-" + round)
                      .tenantId("bench")
                      .build(),
                  model);
          messages.add(Message.assistant(g.text()));
        }
      }
    };
  }

  /** The same store with threads off: every request written whole, as before schema 3. */
  private static final class StoredWhole extends ForwardingGenerationStore {
    StoredWhole(GenerationStore store) {
      super(store);
    }

    @Override
    public boolean keepsThreads() {
      return false;
    }
  }

  /** Each relation of Genvault's tables and its size in bytes. */
  private static final String RELATIONS =
      "SELECT c.relname, pg_relation_size(c.oid) FROM pg_class c"
          + " JOIN pg_namespace n ON n.oid = c.relnamespace"
          + " WHERE (n.nspname = current_schema() AND c.relname LIKE 'generation%')"
          + " OR c.oid IN (SELECT reltoastrelid FROM pg_class"
          + " WHERE relname = 'generations')";

  /** The average size of Genvault's rows by turn (1 is a conversation's first turn). */
  private static void rowSizes(HikariDataSource pool) throws SQLException {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT COALESCE(inherited_messages, 0) / 2 + 1 AS turn,"
                    + " AVG(pg_column_size(g.*)) AS row_bytes,"
                    + " AVG(pg_column_size(g.request)) AS request_bytes"
                    + " FROM generations g WHERE user_id LIKE 'user-%' GROUP BY 1 ORDER BY 1")) {
      System.out.printf("%-6s %10s %14s%n", "turn", "row bytes", "request bytes");
      while (rs.next()) {
        int turn = rs.getInt("turn");
        if (turn <= 2 || turn == 5 || turn == 10 || turn % 25 == 0 || turn == turns) {
          System.out.printf(
              Locale.ROOT,
              "%-6d %10.0f %14.0f%n",
              turn,
              rs.getDouble("row_bytes"),
              rs.getDouble("request_bytes"));
        }
      }
    }
  }

  /**
   * Where Genvault's bytes are, after the last vacuum: each relation of its tables (heap, TOAST,
   * each index), in bytes per generation stored.
   */
  private static void relationSizes(HikariDataSource pool) throws SQLException {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      long rows;
      try (ResultSet rs = s.executeQuery("SELECT count(*) FROM generations")) {
        rs.next();
        rows = rs.getLong(1);
      }
      List<String> columns = new ArrayList<>();
      try (ResultSet cs =
          s.executeQuery(
              "SELECT column_name FROM information_schema.columns"
                  + " WHERE table_name = 'generations' AND table_schema = current_schema()"
                  + " ORDER BY ordinal_position")) {
        while (cs.next()) {
          columns.add(cs.getString(1));
        }
      }
      StringBuilder q = new StringBuilder("SELECT ");
      for (int i = 0; i < columns.size(); i++) {
        q.append(i == 0 ? "" : ", ")
            .append("AVG(pg_column_size(")
            .append(columns.get(i))
            .append("))");
      }
      try (ResultSet cs = s.executeQuery(q.append(" FROM generations").toString())) {
        cs.next();
        System.out.print("column bytes, average:");
        for (int i = 0; i < columns.size(); i++) {
          System.out.printf(Locale.ROOT, " %s %.0f", columns.get(i), cs.getDouble(i + 1));
        }
        System.out.println();
      }
      try (ResultSet rs = s.executeQuery(RELATIONS + " ORDER BY 2 DESC")) {
        System.out.printf("%-34s %12s (%d generations)%n", "relation", "B/generation", rows);
        while (rs.next()) {
          System.out.printf(
              Locale.ROOT, "%-34s %12.0f%n", rs.getString(1), rs.getLong(2) / (double) rows);
        }
      }
    }
  }

  /** The size of each relation of Genvault's tables (heap, TOAST, indexes), by name. */
  private static Map<String, Long> relationBytes(HikariDataSource pool) throws SQLException {
    Map<String, Long> sizes = new TreeMap<>();
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(RELATIONS)) {
      while (rs.next()) {
        sizes.put(rs.getString(1), rs.getLong(2));
      }
    }
    return sizes;
  }

  private static void print(int round, String side, double[] m) {
    System.out.printf(
        Locale.ROOT, "%-6d %-9s %10.0f %12.0f %14.0f%n", round, side, m[0], m[1], m[2]);
  }

  /** Turns per second, WAL bytes per turn and table + index growth per turn of one run. */
  private static double[] measure(
      HikariDataSource pool,
      Side side,
      String round,
      @Nullable Map<String, Long> byRelation,
      String... tables)
      throws Exception {
    Map<String, Long> relations0 = byRelation == null ? Map.of() : relationBytes(pool);
    long size0 = Databases.size(pool, tables);
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
    double total = USERS * conversations * turns;
    long wal = walSince(pool, lsn0);
    long growth = Databases.size(pool, tables) - size0;
    if (byRelation != null) {
      relationBytes(pool)
          .forEach((r, bytes) -> byRelation.put(r, bytes - relations0.getOrDefault(r, 0L)));
    }
    // What autovacuum does in a running system, outside the measured window: the space of
    // superseded row versions is free for the next round's rows.
    Databases.vacuum(pool, tables);
    return new double[] {total / seconds, wal / total, growth / total};
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
}
