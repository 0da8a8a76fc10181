package dev.genvault.examples.faults;

import static dev.genvault.examples.faults.FaultStack.ask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.genvault.GenerationStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Graceful shutdown of the production stack under load: slow streams in flight and submits racing
 * {@code close()}.
 */
class ShutdownFaultTest {
  private static final Duration DRAIN = Duration.ofSeconds(2);

  @Test
  void close_ends_every_row_complete_or_interrupted_within_the_drain_timeout() throws Exception {
    Set<Thread> before = Thread.getAllStackTraces().keySet();
    FaultStack stack = FaultStack.start(Map.of(), b -> b.drainTimeout(DRAIN));
    ExecutorService submitters = Executors.newFixedThreadPool(4);
    try {
      // 50 slow streams: half finish while the generator drains, half never do.
      List<Provider.Live> lives = new ArrayList<>();
      List<String> streamIds = new ArrayList<>();
      for (int i = 0; i < 50; i++) {
        Provider.Live live = new Provider.Live();
        lives.add(live);
        stack.provider.next(() -> Provider.sse(live));
        GenerationStream stream =
            stack.genvault().stream(ask("alice", "slow " + i), stack.app.model());
        streamIds.add(stream.id());
        live.send("slow " + i + " ");
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> stack.provider.requests() == 50);

      // 1,000 submits from 4 threads, racing close().
      Set<String> submitted = ConcurrentHashMap.newKeySet();
      List<Throwable> refused = new CopyOnWriteArrayList<>();
      AtomicInteger attempts = new AtomicInteger();
      List<Future<?>> running = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        running.add(
            submitters.submit(
                () -> {
                  for (int n; (n = attempts.incrementAndGet()) <= 1_000; ) {
                    try {
                      submitted.add(
                          stack.genvault().submit(ask("bob", "race " + n), stack.app.model()));
                    } catch (IllegalStateException e) {
                      refused.add(e);
                    }
                  }
                }));
      }
      await().atMost(Duration.ofSeconds(30)).until(() -> submitted.size() >= 200);
      for (int i = 0; i < 25; i++) {
        lives.get(i).finish();
      }
      long closedPoolErrors = closedPoolLines();
      long start = System.nanoTime();
      stack.app.close();
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      for (Future<?> f : running) {
        f.get(30, TimeUnit.SECONDS);
      }
      lives.forEach(Provider.Live::stop);

      // The drain timeout, then the interrupted rows' own writes: bounded.
      assertThat(took).isLessThan(DRAIN.plusSeconds(8));
      assertThat(submitted.size() + refused.size()).isEqualTo(1_000);
      assertThat(refused).as("submits that lost the race with close()").isNotEmpty();
      assertThat(refused).allSatisfy(e -> assertThat(e).hasMessageContaining("closed"));

      // Nothing of the generator is left running to write after the pool closed...
      assertThat(Thread.getAllStackTraces().keySet())
          .noneMatch(
              t -> t.isAlive() && t.getName().startsWith("genvault-") && !before.contains(t));
      // ...no write tried the closed pool...
      assertThat(stack.app.pool().isClosed()).isTrue();
      assertThat(closedPoolLines()).isEqualTo(closedPoolErrors);
      // ...and nothing needs to: every row is complete or interrupted, none live.
      Map<String, String> outcome = outcomes(stack.database);
      for (String id : submitted) {
        assertThat(outcome.get(id)).as(id).isIn("complete", "error/interrupted");
      }
      for (int i = 0; i < 50; i++) {
        String id = streamIds.get(i);
        assertThat(outcome.get(id)).as(id).isIn("complete", "error/interrupted");
        if (i >= 25) {
          assertThat(outcome.get(id)).isEqualTo("error/interrupted");
        }
      }
      assertThat(outcome.values()).allMatch(o -> o.equals("complete") || o.endsWith("interrupted"));
      assertThat(outcome).hasSize(submitted.size() + 50);
    } finally {
      submitters.shutdownNow();
      stack.close();
    }
  }

  /** Log lines of the suite (DEBUG, to a file) that tell of a use of a closed pool. */
  private static long closedPoolLines() throws java.io.IOException {
    java.nio.file.Path log = java.nio.file.Path.of("target", "fault-suite.log");
    try (java.util.stream.Stream<String> lines = java.nio.file.Files.lines(log)) {
      return lines.filter(l -> l.contains("has been closed")).count();
    }
  }

  /** Each row's status, with its error type when it failed. */
  private static Map<String, String> outcomes(String database) throws Exception {
    Map<String, String> outcome = new HashMap<>();
    try (Connection c = FaultStack.direct(database);
        Statement st = c.createStatement();
        ResultSet rs = st.executeQuery("SELECT id, status, error_type FROM generations")) {
      while (rs.next()) {
        String status = rs.getString(2);
        outcome.put(
            rs.getString(1), rs.getString(3) == null ? status : status + "/" + rs.getString(3));
      }
    }
    return outcome;
  }
}
