package dev.genvault.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genvault.Generation;
import dev.genvault.GenerationRequest;
import dev.genvault.GenerationStatus;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
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
    try (JdbcGenerationStore store = JdbcGenerationStore.create(Postgres.pool());
        Connection c = Postgres.pool().getConnection();
        Statement s = c.createStatement()) {
      Instant at = Instant.now().truncatedTo(ChronoUnit.MICROS);
      dev.genvault.Usage usage =
          dev.genvault.Usage.builder()
              .inputTokens(60L)
              .outputTokens(200L)
              .cacheReadTokens(10L)
              .build();
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
      try (ResultSet rs =
          s.executeQuery(
              "SELECT usage::text, input_tokens, output_tokens FROM generations WHERE id = '"
                  + g.id()
                  + "'")) {
        rs.next();
        assertThat(rs.getString(1)).contains("cache_read_tokens").doesNotContain("input_tokens");
        assertThat(rs.getString(1)).doesNotContain("output_tokens");
        assertThat(rs.getLong(2)).isEqualTo(60);
        assertThat(rs.getLong(3)).isEqualTo(200);
      }
      assertThat(store.find(g.id()).orElseThrow().usage()).isEqualTo(usage);
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
