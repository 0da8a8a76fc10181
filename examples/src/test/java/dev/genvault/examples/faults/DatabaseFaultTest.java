package dev.genvault.examples.faults;

import static dev.genvault.examples.faults.FaultStack.ask;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.genvault.Generation;
import dev.genvault.GenerationStatus;
import dev.genvault.GenerationStream;
import dev.genvault.PersistenceException;
import dev.genvault.examples.EmbeddedServers;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PostgreSQL failing under the production stack: down before the call, cut or frozen in the middle
 * of a stream, and too few connections for the streams in flight. Group commit is on (the wiring's
 * default).
 */
class DatabaseFaultTest {
  private final ScheduledExecutorService timeline = Executors.newSingleThreadScheduledExecutor();

  @AfterEach
  void stopTimeline() {
    timeline.shutdownNow();
  }

  /** A row as stored. */
  record Row(String status, String errorType, String text) {}

  /** The stored status and text of a generation, read past the proxy. */
  static Row stored(FaultStack stack, String id) throws SQLException {
    try (Connection c = FaultStack.direct(stack.database);
        PreparedStatement ps =
            c.prepareStatement("SELECT status, error_type, text FROM generations WHERE id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        assertThat(rs.next()).as("row " + id).isTrue();
        return new Row(rs.getString(1), rs.getString(2), rs.getString(3));
      }
    }
  }

  static int chunkCount(FaultStack stack, String id) throws SQLException {
    return chunks(FaultStack.directUrl(stack.database), id);
  }

  @Test
  void database_down_before_the_call_fails_fast_and_the_provider_is_never_called() {
    try (FaultStack stack = FaultStack.start()) {
      stack.db.cut();
      long start = System.nanoTime();
      assertThatThrownBy(() -> stack.genvault().generate(ask("alice", "hi"), stack.app.model()))
          .isInstanceOf(PersistenceException.class)
          .hasMessageContaining("the model was not called");
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      assertThat(took).isLessThanOrEqualTo(Duration.ofSeconds(5));
      assertThat(stack.provider.requests()).isZero();
    }
  }

  /**
   * Sends a piece every 100 ms; at piece {@code faultAt} runs {@code fault}, {@code outage} later
   * restores the database, and the stream finishes {@code after} pieces past the fault.
   */
  private Provider.Live scripted(
      FaultStack stack, int faultAt, Runnable fault, Duration outage, int after) {
    Provider.Live live = new Provider.Live();
    stack.provider.next(() -> Provider.sse(live));
    AtomicInteger piece = new AtomicInteger();
    timeline.scheduleAtFixedRate(
        () -> {
          int n = piece.getAndIncrement();
          if (n == faultAt) {
            fault.run();
            timeline.schedule(stack.db::restore, outage.toMillis(), TimeUnit.MILLISECONDS);
          }
          if (n < faultAt + after) {
            live.send("w" + n + " ");
          } else if (n == faultAt + after) {
            live.finish();
          }
        },
        100,
        100,
        TimeUnit.MILLISECONDS);
    return live;
  }

  @Test
  void an_outage_of_five_seconds_mid_stream_loses_and_duplicates_nothing() throws Exception {
    try (FaultStack stack = FaultStack.start()) {
      Provider.Live live = scripted(stack, 10, stack.db::cut, Duration.ofSeconds(5), 60);
      GenerationStream stream = stack.genvault().stream(ask("alice", "tell"), stack.app.model());
      Generation result = stream.result();

      assertThat(result.status()).isEqualTo(GenerationStatus.COMPLETE);
      assertThat(result.text()).isEqualTo(live.sent.toString());
      Row row = stored(stack, stream.id());
      assertThat(row.status()).isEqualTo("complete");
      assertThat(row.text()).isEqualTo(live.sent.toString()).contains("w69 ");
      assertThat(chunkCount(stack, stream.id())).isZero();
      assertThat(stack.db.accepted()).isGreaterThan(1); // the pool reconnected
    }
  }

  @Test
  void a_frozen_connection_fails_within_the_socket_timeout_and_the_stream_then_completes()
      throws Exception {
    try (FaultStack stack = FaultStack.start()) {
      // A write on a connection that freezes fails after the socket timeout (2 s), not never.
      try (Connection held = stack.app.pool().getConnection();
          Statement st = held.createStatement()) {
        stack.db.freeze();
        long start = System.nanoTime();
        assertThatThrownBy(() -> st.executeUpdate("CREATE TABLE frozen (id int)"))
            .isInstanceOf(SQLException.class);
        assertThat(Duration.ofNanos(System.nanoTime() - start))
            .isBetween(Duration.ofMillis(1_500), Duration.ofMillis(3_500));
      }
      stack.db.restore();

      Provider.Live live = scripted(stack, 10, stack.db::freeze, Duration.ofSeconds(4), 50);
      GenerationStream stream = stack.genvault().stream(ask("alice", "tell"), stack.app.model());
      Generation result = stream.result();
      assertThat(result.status()).isEqualTo(GenerationStatus.COMPLETE);
      assertThat(result.text()).isEqualTo(live.sent.toString());
      assertThat(stored(stack, stream.id()).text()).isEqualTo(live.sent.toString());
    }
  }

  @Test
  void postgres_killed_mid_stream_and_restarted_on_its_data_loses_nothing(@TempDir Path data)
      throws Exception {
    int port = EmbeddedServers.freePort();
    EmbeddedPostgres[] server = {EmbeddedServers.postgres(data, port)};
    String url = "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    try (FaultStack stack = FaultStack.start(Map.of("GENVAULT_DB_URL", url), b -> {})) {
      Provider.Live live = new Provider.Live();
      stack.provider.next(() -> Provider.sse(live));
      GenerationStream stream = stack.genvault().stream(ask("alice", "tell"), stack.app.model());
      for (int i = 0; i < 10; i++) {
        live.send("before" + i + " ");
      }
      await().atMost(Duration.ofSeconds(10)).until(() -> chunks(url, stream.id()) > 0);

      // A crash: the postmaster is killed (SIGKILL), no shutdown, no checkpoint.
      long pid = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).trim());
      ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow();
      postmaster.destroyForcibly();
      await().atMost(Duration.ofSeconds(20)).until(() -> !postmaster.isAlive());
      closeQuietly(server[0]);
      for (int i = 0; i < 10; i++) {
        live.send("during" + i + " ");
      }

      // Started again on the same folder and port: it recovers from its WAL.
      server[0] = EmbeddedServers.postgres(data, port);
      for (int i = 0; i < 10; i++) {
        live.send("after" + i + " ");
      }
      live.finish();
      Generation result = stream.result();
      assertThat(result.status()).isEqualTo(GenerationStatus.COMPLETE);
      assertThat(result.text()).isEqualTo(live.sent.toString());
      try (Connection c = DriverManager.getConnection(url, "postgres", "");
          PreparedStatement ps =
              c.prepareStatement("SELECT status, text FROM generations WHERE id = ?")) {
        ps.setString(1, stream.id());
        try (ResultSet rs = ps.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getString(1)).isEqualTo("complete");
          assertThat(rs.getString(2)).isEqualTo(live.sent.toString());
        }
      }
      assertThat(chunks(url, stream.id())).isZero();
    } finally {
      closeQuietly(server[0]);
    }
  }

  private static int chunks(String url, String id) throws SQLException {
    try (Connection c = DriverManager.getConnection(url, "postgres", "");
        PreparedStatement ps =
            c.prepareStatement("SELECT count(*) FROM generation_chunks WHERE generation_id = ?")) {
      ps.setString(1, id);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    }
  }

  private static void closeQuietly(EmbeddedPostgres server) {
    try {
      server.close();
    } catch (IOException | RuntimeException e) {
      // it was killed: there is nothing left to stop
    }
  }

  @Test
  void four_times_more_streams_than_connections_all_complete_and_hold_none_across_provider_io()
      throws Exception {
    try (FaultStack stack = FaultStack.start(Map.of("GENVAULT_DB_POOL_SIZE", "2"), b -> {})) {
      List<Provider.Live> lives = new ArrayList<>();
      List<GenerationStream> streams = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        Provider.Live live = new Provider.Live();
        lives.add(live);
        stack.provider.next(() -> Provider.sse(live));
        streams.add(stack.genvault().stream(ask("alice", "stream " + i), stack.app.model()));
      }
      lives.forEach(live -> live.send("first piece "));
      // Every stream is waiting on the provider with its first piece checkpointed...
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> {
                for (GenerationStream s : streams) {
                  if (chunkCount(stack, s.id()) == 0) {
                    return false;
                  }
                }
                return true;
              });
      // ...and no connection is held while they wait.
      await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> stack.app.pool().getHikariPoolMXBean().getActiveConnections() == 0);
      lives.forEach(
          live -> {
            live.send("second piece");
            live.finish();
          });
      for (int i = 0; i < 8; i++) {
        Generation g = streams.get(i).result();
        assertThat(g.status()).isEqualTo(GenerationStatus.COMPLETE);
        assertThat(g.text()).isEqualTo("first piece second piece");
        assertThat(stored(stack, g.id()).text()).isEqualTo("first piece second piece");
      }
    }
  }
}
