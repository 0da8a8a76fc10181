package dev.genvault.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genvault.Generation;
import dev.genvault.GenerationRequest;
import dev.genvault.GenerationStatus;
import dev.genvault.tck.Fixtures;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** Schema version 4 on a real PostgreSQL: how long text is stored, and that it reads back. */
class PostgresStorageTest {

  @Test
  void long_text_columns_use_lz4_where_the_server_offers_it_else_chunks_are_stored_uncompressed()
      throws SQLException {
    try (JdbcGenerationStore store = JdbcGenerationStore.create(Postgres.pool());
        Connection c = Postgres.pool().getConnection();
        Statement s = c.createStatement()) {
      boolean lz4;
      try (ResultSet rs =
          s.executeQuery(
              "SELECT count(*) FROM pg_settings WHERE name = 'default_toast_compression'"
                  + " AND 'lz4' = ANY (enumvals)")) {
        rs.next();
        lz4 = rs.getInt(1) == 1;
      }
      if (lz4) {
        assertThat(compression(s, "generations", "text")).isEqualTo("l");
        assertThat(compression(s, "generations", "request")).isEqualTo("l");
        assertThat(compression(s, "generation_chunks", "text")).isEqualTo("l");
      } else {
        // The embedded server's build has no lz4: generations keep pglz, chunks go uncompressed.
        assertThat(compression(s, "generations", "text")).isEmpty();
        assertThat(storage(s, "generation_chunks", "text")).isEqualTo("e");
      }
      assertThat(storage(s, "generations", "text")).isEqualTo("x");

      // A long generated text and request still read back exactly.
      String text = "The answer, at length. ".repeat(4_000);
      Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
      Generation g =
          Generation.builder()
              .id("storage-" + System.nanoTime())
              .request(
                  GenerationRequest.builder()
                      .model("gpt-4o-mini")
                      .prompt("Say it at length. ".repeat(2_000))
                      .build())
              .status(GenerationStatus.COMPLETE)
              .text(text)
              .createdAt(at)
              .updatedAt(at)
              .completedAt(at)
              .build();
      store.insertTerminal(g);
      assertThat(store.find(g.id())).hasValueSatisfying(r -> assertThat(r.text()).isEqualTo(text));
      assertThat(store.find(g.id()).orElseThrow().request()).isEqualTo(g.request());
    }
  }

  @Test
  void the_usage_column_leaves_out_the_counts_that_have_columns_and_reads_back_whole()
      throws SQLException {
    dev.genvault.Usage withCache =
        dev.genvault.Usage.builder()
            .inputTokens(60L)
            .outputTokens(200L)
            .cacheReadTokens(10L)
            .build();
    Generation g = storeWithUsage(withCache);
    assertThat(storedUsage(g)).contains("cache_read_tokens").doesNotContain("input_tokens");
    assertThat(storedUsage(g)).doesNotContain("output_tokens");
    assertThat(storedCounts(g)).isEqualTo("60/200");
  }

  @Test
  void a_usage_of_the_two_counts_alone_has_no_json_and_reads_back_whole() throws SQLException {
    Generation both = storeWithUsage(dev.genvault.Usage.of(60, 200));
    assertThat(storedUsage(both)).isNull();
    assertThat(storedCounts(both)).isEqualTo("60/200");
    Generation input = storeWithUsage(dev.genvault.Usage.builder().inputTokens(7L).build());
    assertThat(storedUsage(input)).isNull();
    assertThat(storedCounts(input)).isEqualTo("7/null");
    Generation output = storeWithUsage(dev.genvault.Usage.builder().outputTokens(0L).build());
    assertThat(storedUsage(output)).isNull();
    assertThat(storedCounts(output)).isEqualTo("null/0");
    // Nothing counted at all is still a usage, told apart from none by its JSON.
    Generation empty = storeWithUsage(dev.genvault.Usage.builder().build());
    assertThat(storedUsage(empty)).isEqualTo("{}");
    Generation other = storeWithUsage(dev.genvault.Usage.builder().reasoningTokens(3L).build());
    assertThat(storedUsage(other)).contains("reasoning_tokens");
    assertThat(storedCounts(other)).isEqualTo("null/null");
    Generation none = storeWithUsage(null);
    assertThat(storedUsage(none)).isNull();
    assertThat(storedCounts(none)).isEqualTo("null/null");
  }

  /** Stores a complete generation with that usage and checks that it reads back equal. */
  private static Generation storeWithUsage(dev.genvault.@Nullable Usage usage) {
    try (JdbcGenerationStore store = JdbcGenerationStore.create(Postgres.pool())) {
      Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
      Generation g =
          Generation.builder()
              .id("usage-" + System.nanoTime())
              .request(GenerationRequest.builder().model("gpt-4o-mini").prompt("q").build())
              .status(GenerationStatus.COMPLETE)
              .text("a")
              .usage(usage)
              .createdAt(at)
              .updatedAt(at)
              .completedAt(at)
              .build();
      store.insertTerminal(g);
      assertThat(store.find(g.id()).orElseThrow().usage()).isEqualTo(usage);
      return g;
    }
  }

  private static @Nullable String storedUsage(Generation g) throws SQLException {
    return column(g, "usage::text");
  }

  private static String storedCounts(Generation g) throws SQLException {
    return column(
        g, "COALESCE(input_tokens::text, 'null') || '/' || COALESCE(output_tokens::text, 'null')");
  }

  private static @Nullable String column(Generation g, String expression) throws SQLException {
    try (Connection c = Postgres.pool().getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT " + expression + " FROM generations WHERE id = '" + g.id() + "'")) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void a_walk_up_a_thread_looks_each_parent_up_by_key_even_in_a_small_table() throws SQLException {
    try (JdbcGenerationStore store = JdbcGenerationStore.create(Postgres.pool())) {
      store.jdbi().useHandle(h -> h.execute("TRUNCATE generations, generation_chunks"));
      List<dev.genvault.Message> messages = new ArrayList<>();
      Generation last = null;
      Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
      for (int t = 0; t < 40; t++) {
        messages.add(dev.genvault.Message.user("question " + t));
        Generation pending =
            Generation.builder()
                .id("walk-" + t)
                .request(
                    GenerationRequest.builder().model("m").userId("u").messages(messages).build())
                .createdAt(at)
                .link(
                    last == null
                        ? null
                        : new dev.genvault.ThreadLink(last.id(), "walk-0", messages.size() - 1))
                .build();
        store.insert(pending);
        last = Fixtures.complete(pending, at, "answer " + t);
        store.finish(last);
        messages.add(dev.genvault.Message.assistant(last.text()));
      }
      assertThat(store.find(last.id()).orElseThrow().request().messages()).hasSize(79);
      try (Connection c = Postgres.pool().getConnection();
          Statement s = c.createStatement()) {
        s.execute("ANALYZE generations");
        List<String> plan = new ArrayList<>();
        try (ResultSet rs =
            s.executeQuery(
                "EXPLAIN "
                    + ThreadRows.pathUp(Dialect.POSTGRESQL.sql()).replace(":id", "'walk-39'"))) {
          while (rs.next()) {
            plan.add(rs.getString(1));
          }
        }
        // The default join was a hash join over a scan of the whole table at every step; this is
        // one lookup of one row per step (by key once the table is more than a few pages).
        assertThat(String.join("\n", plan))
            .doesNotContain("Hash Join")
            .contains("Nested Loop", "WorkTable Scan on chain c", "Limit", "on generations x");
      }
    }
  }

  @Test
  void a_restart_keeps_the_indexes_that_migrations_dropped_dropped() throws SQLException {
    JdbcGenerationStore.create(Postgres.pool()).close();
    JdbcGenerationStore.create(Postgres.pool()).close();
    try (Connection c = Postgres.pool().getConnection();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'generations'")) {
      java.util.Map<String, String> definitions = new java.util.TreeMap<>();
      while (rs.next()) {
        definitions.put(rs.getString(1), rs.getString(2));
      }
      assertThat(definitions.keySet())
          .contains("generations_thread_key", "generations_user_history")
          .doesNotContain(
              "generations_fingerprint", "generations_thread_hash", "generations_live_heartbeat");
      // Schema 8: the history indexes without the ID, as the last migration left them.
      assertThat(definitions.get("generations_user_history")).endsWith("(user_id, created_at)");
      assertThat(definitions.get("generations_tenant_history")).endsWith("(tenant_id, created_at)");
      assertThat(definitions.get("generations_history")).endsWith("(created_at)");
    }
  }

  @Test
  void a_live_generation_has_a_lease_until_its_final_update_and_the_update_is_hot()
      throws SQLException {
    // One connection for the store: PostgreSQL counts a connection's updates when it goes idle,
    // at most twice a second, so the wait below keeps that one connection busy.
    com.zaxxer.hikari.HikariConfig config = new com.zaxxer.hikari.HikariConfig();
    config.setJdbcUrl(Postgres.server().getJdbcUrl("postgres", "postgres"));
    config.setMaximumPoolSize(1);
    try (com.zaxxer.hikari.HikariDataSource one = new com.zaxxer.hikari.HikariDataSource(config);
        JdbcGenerationStore store = JdbcGenerationStore.create(one);
        Connection c = Postgres.pool().getConnection();
        Statement s = c.createStatement()) {
      long hotBefore = hotUpdates(s);
      Instant t0 = Instant.now().truncatedTo(ChronoUnit.MICROS);
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        Generation pending = Fixtures.pending(Fixtures.newId(), t0);
        store.insert(pending);
        ids.add(pending.id());
        assertThat(leases(s, pending.id())).isEqualTo(1);
        assertThat(store.finish(Fixtures.complete(pending, t0, "done " + i))).isTrue();
        assertThat(leases(s, pending.id())).isZero();
      }
      Awaitility.await("HOT updates counted")
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(200))
          .until(() -> store.status(ids.get(0)).isPresent() && hotUpdates(s) > hotBefore);
      assertThat(store.find(ids.get(0)).orElseThrow().text()).isEqualTo("done 0");
    }
  }

  @Test
  void the_sweeper_finds_live_rows_by_lease_and_drops_leases_of_rows_deleted_while_live()
      throws SQLException {
    try (JdbcGenerationStore store = JdbcGenerationStore.create(Postgres.pool());
        Connection c = Postgres.pool().getConnection();
        Statement s = c.createStatement()) {
      Instant longAgo = Instant.parse("2001-01-01T00:00:00Z");
      Generation stale = Fixtures.pending(Fixtures.newId(), longAgo);
      Generation deleted = Fixtures.pending(Fixtures.newId(), longAgo);
      store.insert(stale);
      store.insert(deleted);
      assertThat(store.delete(deleted.id())).isTrue();
      assertThat(leases(s, deleted.id())).isEqualTo(1);

      assertThat(store.findStale(longAgo.plusSeconds(1), 1000))
          .extracting(Generation::id)
          .contains(stale.id())
          .doesNotContain(deleted.id());
      assertThat(leases(s, deleted.id())).isZero();
      assertThat(leases(s, stale.id())).isEqualTo(1);

      store.heartbeat(List.of(stale.id()), Instant.now());
      assertThat(store.findStale(longAgo.plusSeconds(1), 1000))
          .extracting(Generation::id)
          .doesNotContain(stale.id());
      store.finish(Fixtures.failed(stale, Instant.now(), ""));
      assertThat(leases(s, stale.id())).isZero();
    }
  }

  @Test
  void a_database_at_version_4_gets_leases_for_its_live_rows_so_the_sweeper_still_ends_them()
      throws SQLException {
    String database = "v4_" + System.nanoTime();
    try (Connection c = Postgres.pool().getConnection();
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + database);
    }
    javax.sql.DataSource v4 = Postgres.server().getDatabase("postgres", database);
    org.jdbi.v3.core.Jdbi jdbi = org.jdbi.v3.core.Jdbi.create(v4);
    jdbi.useHandle(
        h -> {
          for (String statement : Schema.statements(jdbi, Dialect.POSTGRESQL)) {
            h.execute(statement);
          }
          for (int v = 2; v <= 4; v++) {
            for (String statement : Schema.statements(jdbi, "migrate-" + v + "-postgresql.sql")) {
              h.execute(statement);
            }
          }
          h.execute("INSERT INTO genvault_schema (version) VALUES (4)");
          h.execute(
              "INSERT INTO generations (id, kind, model, request, status, created_at, updated_at,"
                  + " heartbeat_at) VALUES ('live-at-v4', 'text', 'm',"
                  + " '{\"prompt\":\"p\"}', 'streaming', '2001-01-01Z', '2001-01-01Z',"
                  + " '2001-01-01Z')");
        });
    try (JdbcGenerationStore store = JdbcGenerationStore.create(v4)) {
      assertThat(store.findStale(Instant.parse("2001-01-01T00:00:01Z"), 10))
          .extracting(Generation::id)
          .containsExactly("live-at-v4");
    }
  }

  private static long leases(Statement s, String id) throws SQLException {
    try (ResultSet rs =
        s.executeQuery("SELECT count(*) FROM generation_leases WHERE id = '" + id + "'")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static long hotUpdates(Statement s) throws SQLException {
    try (ResultSet rs =
        s.executeQuery(
            "SELECT n_tup_hot_upd FROM pg_stat_user_tables WHERE relname = 'generations'")) {
      rs.next();
      return rs.getLong(1);
    }
  }

  /** pg_attribute.attcompression: "" (the server default, pglz), "p" or "l". */
  private static String compression(Statement s, String table, String column) throws SQLException {
    return attribute(s, "attcompression", table, column);
  }

  /** pg_attribute.attstorage: "x" (compress, then move out of line) or "e" (out of line only). */
  private static String storage(Statement s, String table, String column) throws SQLException {
    return attribute(s, "attstorage", table, column);
  }

  private static String attribute(Statement s, String attribute, String table, String column)
      throws SQLException {
    try (ResultSet rs =
        s.executeQuery(
            "SELECT "
                + attribute
                + "::text FROM pg_attribute WHERE attrelid = '"
                + table
                + "'::regclass AND attname = '"
                + column
                + "'")) {
      rs.next();
      return rs.getString(1);
    }
  }
}
