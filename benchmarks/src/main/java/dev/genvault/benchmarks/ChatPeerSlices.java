package dev.genvault.benchmarks;

import com.zaxxer.hikari.HikariDataSource;
import dev.genvault.Generation;
import dev.genvault.GenerationRequest;
import dev.genvault.GenerationStream;
import dev.genvault.Message;
import dev.genvault.ModelClient;
import dev.genvault.ModelResult;
import dev.genvault.PersistentGenerator;
import dev.genvault.Usage;
import dev.genvault.jdbc.JdbcGenerationStore;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.lang.management.ManagementFactory;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.ai.chat.memory.repository.jdbc.JdbcChatMemoryRepository;
import org.springframework.ai.chat.messages.AssistantMessage;
import org.springframework.ai.chat.messages.UserMessage;

/**
 * The permanent peer benchmark: Genvault and Spring AI 1.1.2's {@code JdbcChatMemoryRepository}
 * persist the same chat turns on one durable PostgreSQL (fsync, synchronous_commit and
 * full_page_writes on), each in a database of its own, alternating in short slices in one JVM (the
 * order within a pair alternating too), at 1 and 4 concurrent users, non-streamed and streamed.
 *
 * <p>A turn is a 200-character question and an 800-character answer (random words, unique to their
 * conversation). Genvault: a generation whose request carries the conversation so far, as a chat
 * app sends it, answered at once by an in-process model (streamed: in 8 pieces, read through {@link
 * PersistentGenerator#stream}), with the generator's defaults (the dedup cache on). Spring AI:
 * {@code saveAll} of the conversation after the turn, which is what its chat memory advisor does
 * once a call, or a stream, has ended; a streamed turn's answer is joined from the same 8 pieces
 * first.
 *
 * <p>Per slice: turns per second; CPU per turn of this JVM ({@code getProcessCpuTime}) and of every
 * PostgreSQL process ({@code /proc/PID/schedstat}, nanoseconds on CPU; a process that exits within
 * a slice, such as an autovacuum worker, is not counted); write transactions per turn (transaction
 * IDs assigned, from {@code txid_current()}: each durable commit takes one); WAL bytes per turn.
 * Turns per second are the median slice's; CPU, transactions and WAL are totals over the case's
 * slices divided by its turns. Per case and side, after {@code VACUUM}: bytes stored per turn
 * (table, TOAST and index growth over the case). Then, for Genvault's table, updates and HOT
 * updates ({@code pg_stat_user_tables}), and each side's server time per turn by statement ({@code
 * pg_stat_statements}). The ratio is Genvault over Spring AI, median of the per-pair ratios with
 * their range.
 *
 * <p>Arguments (optional): pairs per case (15), turns per slice (160, in whole conversations per
 * user), turns per conversation (10), warm-up seconds before the first case (40).
 */
public final class ChatPeerSlices {
  private static final int PIECES = 8;
  private static int turns = 10;
  private static String[] questions;
  private static String[] answers;
  private static final AtomicLong conversationSeq = new AtomicLong();

  private ChatPeerSlices() {}

  /** One side: persists one conversation of {@link #turns} turns. */
  private interface Side {
    void conversation(String key, boolean streamed) throws Exception;
  }

  /**
   * What one slice measured: turns, seconds, CPU nanoseconds of the JVM and of PostgreSQL, write
   * transactions and WAL bytes.
   */
  private record Sample(
      double turns, double seconds, double jvmNanos, double pgNanos, double xacts, double wal) {
    double turnsPerSecond() {
      return turns / seconds;
    }

    Sample plus(Sample o) {
      return new Sample(
          turns + o.turns,
          seconds + o.seconds,
          jvmNanos + o.jvmNanos,
          pgNanos + o.pgNanos,
          xacts + o.xacts,
          wal + o.wal);
    }
  }

  public static void main(String[] args) throws Exception {
    int pairs = args.length > 0 ? Integer.parseInt(args[0]) : 15;
    int sliceTurns = args.length > 1 ? Integer.parseInt(args[1]) : 160;
    turns = args.length > 2 ? Integer.parseInt(args[2]) : 10;
    int warmupSeconds = args.length > 3 ? Integer.parseInt(args[3]) : 40;
    SplittableRandom random = new SplittableRandom(7);
    questions = new String[turns];
    answers = new String[turns];
    for (int t = 0; t < turns; t++) {
      questions[t] = ChatPeerLoad.words(random, 170);
      answers[t] = ChatPeerLoad.words(random, 790);
    }
    try (EmbeddedPostgres postgres = Databases.durableWithStatementStatistics();
        HikariDataSource genvaultPool = Databases.pool(postgres, "genvault", 16);
        HikariDataSource springPool = Databases.pool(postgres, "springai", 16);
        JdbcGenerationStore store = JdbcGenerationStore.create(genvaultPool);
        PersistentGenerator generator = PersistentGenerator.builder().store(store).build()) {
      JdbcChatMemoryRepository springAi = Databases.springAiMemory(springPool);
      Side genvault = genvaultSide(generator);
      Side spring = springSide(springAi);
      Probe probe = new Probe(genvaultPool);
      String[] genvaultTables = {"generations", "generation_chunks", "generation_blobs"};
      String[] springTables = {"spring_ai_chat_memory"};

      long warmEnd = System.nanoTime() + warmupSeconds * 1_000_000_000L;
      while (System.nanoTime() < warmEnd) {
        for (boolean streamed : new boolean[] {false, true}) {
          slice(genvault, 4, sliceTurns / 4 / turns, streamed, probe);
          slice(spring, 4, sliceTurns / 4 / turns, streamed, probe);
        }
      }
      Databases.vacuum(genvaultPool, genvaultTables);
      Databases.vacuum(springPool, springTables);
      statements(genvaultPool, "SELECT pg_stat_statements_reset()");

      System.out.printf(
          Locale.ROOT,
          "%d pairs of slices per case, %d turns per slice, conversations of %d turns%n",
          pairs,
          sliceTurns,
          turns);
      double turnsPerSide = 0;
      for (int users : new int[] {1, 4}) {
        int perUser = Math.max(1, sliceTurns / users / turns);
        for (boolean streamed : new boolean[] {false, true}) {
          long gSize = Databases.size(genvaultPool, genvaultTables);
          long sSize = Databases.size(springPool, springTables);
          List<Sample> g = new ArrayList<>();
          List<Sample> s = new ArrayList<>();
          List<Double> ratios = new ArrayList<>();
          for (int i = 0; i < pairs; i++) {
            Sample a;
            Sample b;
            if (i % 2 == 0) {
              a = slice(genvault, users, perUser, streamed, probe);
              b = slice(spring, users, perUser, streamed, probe);
            } else {
              b = slice(spring, users, perUser, streamed, probe);
              a = slice(genvault, users, perUser, streamed, probe);
            }
            g.add(a);
            s.add(b);
            ratios.add(a.turnsPerSecond() / b.turnsPerSecond());
          }
          double caseTurns = (double) pairs * users * perUser * turns;
          turnsPerSide += caseTurns;
          Databases.vacuum(genvaultPool, genvaultTables);
          Databases.vacuum(springPool, springTables);
          double gStored = (Databases.size(genvaultPool, genvaultTables) - gSize) / caseTurns;
          double sStored = (Databases.size(springPool, springTables) - sSize) / caseTurns;
          report(users, streamed, g, s, ratios, gStored, sStored);
        }
      }
      hotUpdates(genvaultPool);
      statementTimes(genvaultPool, "genvault", turnsPerSide);
      statementTimes(genvaultPool, "springai", turnsPerSide);
    }
  }

  private static void report(
      int users,
      boolean streamed,
      List<Sample> g,
      List<Sample> s,
      List<Double> ratios,
      double gStored,
      double sStored) {
    Collections.sort(ratios);
    System.out.printf(
        Locale.ROOT,
        "%n%d user%s, %s: genvault / spring-ai turns/s %.2f (range %.2f-%.2f)%n",
        users,
        users == 1 ? "" : "s",
        streamed ? "streamed" : "non-streamed",
        median(ratios),
        ratios.get(0),
        ratios.get(ratios.size() - 1));
    System.out.printf(
        Locale.ROOT,
        "  %-10s %10s %10s %10s %10s %10s %10s%n",
        "per turn",
        "turns/s",
        "JVM us",
        "PG us",
        "xacts",
        "WAL B",
        "stored B");
    row("genvault", g, gStored);
    row("spring-ai", s, sStored);
  }

  /**
   * The median slice's turns per second; CPU, transactions and WAL over all slices (the JVM's CPU
   * clock ticks every 10 ms, too coarse for one slice).
   */
  private static void row(String name, List<Sample> samples, double stored) {
    List<Double> rates = new ArrayList<>();
    Sample total = new Sample(0, 0, 0, 0, 0, 0);
    for (Sample sample : samples) {
      rates.add(sample.turnsPerSecond());
      total = total.plus(sample);
    }
    Collections.sort(rates);
    double n = total.turns();
    System.out.printf(
        Locale.ROOT,
        "  %-10s %10.0f %10.0f %10.0f %10.2f %10.0f %10.0f%n",
        name,
        median(rates),
        total.jvmNanos() / 1e3 / n,
        total.pgNanos() / 1e3 / n,
        total.xacts() / n,
        total.wal() / n,
        stored);
  }

  private static double median(List<Double> sorted) {
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  private static String question(String conversation, int turn) {
    return conversation + " " + turn + ": " + questions[turn];
  }

  private static String answer(int turn) {
    return String.format(Locale.ROOT, "reply %04d ", turn) + answers[turn];
  }

  /** The answer in {@link #PIECES} pieces, as a stream delivers it. */
  private static List<String> pieces(int turn) {
    String answer = answer(turn);
    List<String> pieces = new ArrayList<>(PIECES);
    int step = (answer.length() + PIECES - 1) / PIECES;
    for (int i = 0; i < answer.length(); i += step) {
      pieces.add(answer.substring(i, Math.min(answer.length(), i + step)));
    }
    return pieces;
  }

  private static Side genvaultSide(PersistentGenerator generator) {
    ModelClient model =
        ModelClient.of(
            "peer",
            call -> {
              for (String piece : pieces(call.request().messages().size() / 2)) {
                call.emit(piece);
              }
              return ModelResult.builder().finishReason("stop").usage(Usage.of(60, 200)).build();
            });
    return (key, streamed) -> {
      List<Message> messages = new ArrayList<>();
      for (int turn = 0; turn < turns; turn++) {
        messages.add(Message.user(question(key, turn)));
        GenerationRequest request =
            GenerationRequest.builder()
                .model("gpt-4o-mini")
                .messages(messages)
                .userId(key.substring(0, key.indexOf('/')))
                .tenantId("bench")
                .build();
        String text;
        if (streamed) {
          try (GenerationStream stream = generator.stream(request, model)) {
            StringBuilder b = new StringBuilder();
            for (String piece : stream) {
              b.append(piece);
            }
            text = b.toString();
          }
        } else {
          Generation g = generator.generate(request, model);
          text = g.text();
        }
        messages.add(Message.assistant(text));
      }
    };
  }

  private static Side springSide(JdbcChatMemoryRepository repository) {
    return (key, streamed) -> {
      List<org.springframework.ai.chat.messages.Message> messages = new ArrayList<>();
      for (int turn = 0; turn < turns; turn++) {
        messages.add(new UserMessage(question(key, turn)));
        String text;
        if (streamed) {
          StringBuilder b = new StringBuilder();
          for (String piece : pieces(turn)) {
            b.append(piece);
          }
          text = b.toString();
        } else {
          text = answer(turn);
        }
        messages.add(new AssistantMessage(text));
        repository.saveAll(key, messages);
      }
    };
  }

  /** One slice: {@code users} threads, each persisting {@code perUser} whole conversations. */
  private static Sample slice(Side side, int users, int perUser, boolean streamed, Probe probe)
      throws Exception {
    List<Exception> failures = Collections.synchronizedList(new ArrayList<>());
    List<Thread> threads = new ArrayList<>();
    for (int u = 0; u < users; u++) {
      String user = "u" + u;
      threads.add(
          new Thread(
              () -> {
                try {
                  for (int c = 0; c < perUser; c++) {
                    side.conversation(user + "/c" + conversationSeq.incrementAndGet(), streamed);
                  }
                } catch (Exception e) {
                  failures.add(e);
                }
              }));
    }
    Probe.Reading before = probe.read();
    long t0 = System.nanoTime();
    for (Thread t : threads) {
      t.start();
    }
    for (Thread t : threads) {
      t.join();
    }
    long elapsed = System.nanoTime() - t0;
    Probe.Reading after = probe.read();
    if (!failures.isEmpty()) {
      throw failures.get(0);
    }
    return new Sample(
        (double) users * perUser * turns,
        elapsed / 1e9,
        after.jvmNanos - before.jvmNanos,
        after.pgNanos - before.pgNanos,
        // The reading's own txid_current() takes one transaction ID.
        after.xid - before.xid - 1,
        after.walBytes - before.walBytes);
  }

  /**
   * CPU of this JVM and of PostgreSQL's processes, the next transaction ID and the WAL position.
   */
  private static final class Probe {
    record Reading(long jvmNanos, long pgNanos, long xid, long walBytes) {}

    private final HikariDataSource pool;
    private final com.sun.management.OperatingSystemMXBean os =
        (com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
    private long postmaster = -1;

    Probe(HikariDataSource pool) {
      this.pool = pool;
    }

    Reading read() throws SQLException {
      long xid;
      long wal;
      try (Connection c = pool.getConnection();
          Statement s = c.createStatement();
          ResultSet rs =
              s.executeQuery(
                  "SELECT txid_current(), pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0'),"
                      + " pg_backend_pid()")) {
        rs.next();
        xid = rs.getLong(1);
        wal = rs.getLong(2);
        if (postmaster < 0) {
          postmaster =
              ProcessHandle.of(rs.getLong(3))
                  .flatMap(ProcessHandle::parent)
                  .map(ProcessHandle::pid)
                  .orElseThrow();
        }
      }
      long pg = Databases.onCpu(postmaster);
      for (ProcessHandle child :
          ProcessHandle.of(postmaster).map(p -> p.children().toList()).orElse(List.of())) {
        pg += Databases.onCpu(child.pid());
      }
      return new Reading(os.getProcessCpuTime(), pg, xid, wal);
    }
  }

  /** Runs one statement. */
  private static void statements(HikariDataSource pool, String sql) throws SQLException {
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements");
      s.execute(sql);
    }
  }

  /**
   * Where a side's server time went, over all the measured cases: each statement's execution and
   * planning time per turn (from {@code pg_stat_statements}; a commit's own work, the WAL flush
   * among it, comes after its statement and is not in these times).
   */
  private static void statementTimes(HikariDataSource pool, String database, double turns)
      throws SQLException {
    System.out.printf(Locale.ROOT, "%nserver time per turn by statement, %s:%n", database);
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT s.calls, s.total_exec_time + s.total_plan_time AS ms, s.rows,"
                    + " regexp_replace(s.query, '\\s+', ' ', 'g') AS query"
                    + " FROM pg_stat_statements s JOIN pg_database d ON d.oid = s.dbid"
                    + " WHERE d.datname = '"
                    + database
                    + "' ORDER BY ms DESC LIMIT 8")) {
      double sum = 0;
      while (rs.next()) {
        double usPerTurn = rs.getDouble("ms") * 1e3 / turns;
        sum += usPerTurn;
        String query = rs.getString("query");
        System.out.printf(
            Locale.ROOT,
            "  %8.1f us %7.2f calls  %s%n",
            usPerTurn,
            rs.getLong("calls") / turns,
            query.length() > 90 ? query.substring(0, 90) + "..." : query);
      }
      System.out.printf(Locale.ROOT, "  %8.1f us in these statements%n", sum);
    }
  }

  /** Genvault's updates and how many were HOT (no new index entries), over the whole run. */
  private static void hotUpdates(HikariDataSource pool) throws Exception {
    // The statistics collector hears from each backend at most twice a second.
    Thread.sleep(1_000);
    try (Connection c = pool.getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT n_tup_ins, n_tup_upd, n_tup_hot_upd FROM pg_stat_user_tables"
                    + " WHERE relname = 'generations'")) {
      rs.next();
      System.out.printf(
          Locale.ROOT,
          "%ngenerations: %d inserts, %d updates, %d HOT updates (%.0f %%)%n",
          rs.getLong(1),
          rs.getLong(2),
          rs.getLong(3),
          100.0 * rs.getLong(3) / Math.max(1, rs.getLong(2)));
    }
  }
}
