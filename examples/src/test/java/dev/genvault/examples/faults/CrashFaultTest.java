package dev.genvault.examples.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.genvault.PersistentGenerator;
import dev.genvault.jdbc.JdbcGenerationStore;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A process streaming into PostgreSQL is killed with {@code kill -9} at a random moment, 20 times.
 * After the lease and one sweep no row is live; a killed row is {@code error/interrupted} and holds
 * an exact prefix of the text, and loses at most 250 ms of what the process had received: its
 * checkpoint interval (100 ms) plus one write.
 */
class CrashFaultTest {
  private static final int RUNS = 20;
  private static final int EVENTS = 100;
  private static final Duration MAX_LOSS = Duration.ofMillis(250);

  /** The budget of the child and of the sweeper: far above what the runs can spend. */
  static dev.genvault.Budgets budgets(dev.genvault.spi.BudgetLedger ledger) {
    return dev.genvault.Budgets.builder()
        .ledger(ledger)
        .add(dev.genvault.Budget.perUser("100", dev.genvault.Budget.Period.MONTH))
        .build();
  }

  /** One piece the child received: when, and what. */
  record Emit(long millis, String piece) {}

  @Test
  void kill_9_mid_stream_leaves_interrupted_rows_with_all_but_the_last_checkpoint_of_text()
      throws Exception {
    FaultStack.startServers();
    String database = "faults_crash";
    try (Connection c = FaultStack.admin();
        Statement st = c.createStatement()) {
      st.execute("DROP DATABASE IF EXISTS " + database);
      st.execute("CREATE DATABASE " + database);
    }
    String bucket = "faults-crash";
    try (var s3 = FaultStack.s3Client()) {
      s3.createBucket(b -> b.bucket(bucket));
    }
    File childLog = new File("target/fault-suite-children.log"); // read by SecretsFaultTest
    java.nio.file.Files.deleteIfExists(childLog.toPath());
    String full = Provider.slowText(EVENTS);
    Random random = new Random(20261129);
    Map<String, List<Emit>> emitted = new LinkedHashMap<>();
    Map<String, Long> killedAt = new HashMap<>();
    int killed = 0;
    try (Provider provider = new Provider()) {
      for (int run = 0; run < RUNS; run++) {
        for (int i = 0; i < 4; i++) {
          // About 1.6 s per stream: ~100 events of ~150 bytes at 9 KB/s.
          provider.next(() -> Provider.slow(EVENTS, 9_000));
        }
        Process child =
            new ProcessBuilder(
                    Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Dorg.slf4j.simpleLogger.defaultLogLevel=debug",
                    "-cp",
                    System.getProperty("java.class.path"),
                    CrashChild.class.getName(),
                    FaultStack.directUrl(database),
                    "http://127.0.0.1:" + provider.port() + "/v1",
                    FaultStack.s3Endpoint().toString(),
                    bucket,
                    "redis://127.0.0.1:" + FaultStack.redisPort())
                .redirectError(ProcessBuilder.Redirect.appendTo(childLog))
                .start();
        List<String> lines = new CopyOnWriteArrayList<>();
        Thread reader =
            new Thread(
                () -> {
                  try (BufferedReader in =
                      new BufferedReader(
                          new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = in.readLine()) != null; ) {
                      lines.add(line);
                    }
                  } catch (java.io.IOException e) {
                    // the child was killed
                  }
                });
        reader.start();
        // Killed after a random number of received pieces: anywhere in the four streams.
        int threshold = 1 + random.nextInt(4 * EVENTS - 40);
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    lines.stream().filter(l -> l.startsWith("EMIT ")).count() >= threshold
                        || !child.isAlive());
        long killAt = System.currentTimeMillis();
        boolean wasAlive = child.isAlive();
        child.destroyForcibly(); // SIGKILL: no shutdown hook, no drain, no final write
        assertThat(child.waitFor(20, TimeUnit.SECONDS)).isTrue();
        reader.join(10_000);
        if (wasAlive) {
          killed++;
        }
        for (String line : lines) {
          if (line.startsWith("ID ")) {
            emitted.put(line.substring(3), new ArrayList<>());
            killedAt.put(line.substring(3), killAt);
          }
        }
        for (String line : lines) {
          if (line.startsWith("EMIT ")) {
            String[] parts = line.split(" ", 4);
            String piece = parts[3].substring(1, parts[3].length() - 1);
            emitted.get(parts[2]).add(new Emit(Long.parseLong(parts[1]), piece));
          }
        }
      }
    }
    assertThat(killed).as("runs killed mid-stream").isGreaterThanOrEqualTo(RUNS - 2);

    // The killed processes left budget reservations behind.
    assertThat(sum(database, "SELECT COALESCE(SUM(reserved), 0) FROM genvault_budget_counters"))
        .as("reserved by the killed runs")
        .isPositive();

    // The lease passes (a clock ahead by more than it), and one sweep runs.
    try (JdbcGenerationStore store = JdbcGenerationStore.create(FaultStack.directUrl(database));
        PersistentGenerator sweeper =
            PersistentGenerator.builder()
                .store(store)
                .clock(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(2)))
                .budgets(budgets(dev.genvault.jdbc.JdbcBudgetLedger.create(store)))
                .build()) {
      sweeper.sweep();
    }
    // Every reservation is settled: what the interrupted rows had received is counted as spent.
    assertThat(sum(database, "SELECT COALESCE(SUM(reserved), 0) FROM genvault_budget_counters"))
        .isZero();
    assertThat(
            sum(
                database,
                "SELECT COUNT(*) FROM genvault_budget_reservations WHERE settled IS NULL"))
        .isZero();
    assertThat(sum(database, "SELECT COALESCE(SUM(spent), 0) FROM genvault_budget_counters"))
        .isPositive();

    Map<String, String[]> rows = new HashMap<>();
    try (Connection c = FaultStack.direct(database);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT id, status, error_type, text FROM generations")) {
      while (rs.next()) {
        rows.put(rs.getString(1), new String[] {rs.getString(2), rs.getString(3), rs.getString(4)});
      }
    }
    assertThat(rows.values()).noneMatch(r -> r[0].equals("pending") || r[0].equals("streaming"));
    assertThat(rows.keySet()).containsAll(emitted.keySet());

    int interrupted = 0;
    long worstLossMillis = 0;
    for (Map.Entry<String, List<Emit>> e : emitted.entrySet()) {
      String[] row = rows.get(e.getKey());
      String text = row[2] == null ? "" : row[2];
      StringBuilder received = new StringBuilder();
      e.getValue().forEach(emit -> received.append(emit.piece()));
      assertThat(full).startsWith(received.toString());
      if (row[0].equals("complete")) {
        assertThat(text).isEqualTo(full);
        continue;
      }
      interrupted++;
      assertThat(row[0] + "/" + row[1]).as(e.getKey()).isEqualTo("error/interrupted");
      assertThat(full).as("an exact prefix, in order, nothing twice").startsWith(text);
      // The first piece the process had received that the row lacks: how long before the kill.
      long killAt = killedAt.get(e.getKey());
      int end = 0;
      for (Emit emit : e.getValue()) {
        end += emit.piece().length();
        if (end > text.length()) {
          long lost = killAt - emit.millis();
          worstLossMillis = Math.max(worstLossMillis, lost);
          assertThat(Duration.ofMillis(lost))
              .as("%s lost text received %s ms before the kill", e.getKey(), lost)
              .isLessThanOrEqualTo(MAX_LOSS);
          break;
        }
      }
    }
    System.out.printf(
        "crash loop: %d runs, %d rows interrupted, worst loss %d ms before the kill%n",
        RUNS, interrupted, worstLossMillis);
    assertThat(interrupted).as("rows cut short by a kill").isGreaterThanOrEqualTo(RUNS);
  }

  private static long sum(String database, String sql) throws Exception {
    try (Connection c = FaultStack.direct(database);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
