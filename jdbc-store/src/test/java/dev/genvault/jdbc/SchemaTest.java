package dev.genvault.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The DDL files are read by Jdbi's script parser, comments and all. */
class SchemaTest {
  @TempDir Path dir;

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void each_ddl_file_parses_into_its_four_tables_and_five_indexes(Dialect d) {
    // A semicolon and an apostrophe in comments must split nothing.
    List<String> statements = Schema.statements(Jdbi.create("jdbc:h2:mem:"), d);
    assertThat(statements).hasSize(9).allSatisfy(s -> assertThat(s).contains("CREATE "));
    assertThat(statements.stream().filter(s -> s.contains("CREATE INDEX"))).hasSize(5);
    assertThat(statements.stream().filter(s -> s.contains("CREATE TABLE"))).hasSize(4);
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void version_2_adds_the_dedup_table_and_its_expiry_index(Dialect d) {
    assertThat(d.migrationResources())
        .containsExactly(
            "migrate-2-" + d.lowerName() + ".sql",
            "migrate-3-" + d.lowerName() + ".sql",
            "migrate-4-" + d.lowerName() + ".sql",
            "migrate-5-" + d.lowerName() + ".sql",
            "migrate-6-" + d.lowerName() + ".sql",
            "migrate-7-" + d.lowerName() + ".sql",
            "migrate-8-" + d.lowerName() + ".sql");
    List<String> statements =
        Schema.statements(Jdbi.create("jdbc:h2:mem:"), "migrate-2-" + d.lowerName() + ".sql");
    assertThat(statements).hasSize(2);
    assertThat(statements.get(0)).contains("CREATE TABLE IF NOT EXISTS genvault_dedup");
    assertThat(statements.get(1)).contains("CREATE INDEX IF NOT EXISTS genvault_dedup_expiry");
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void version_3_adds_the_thread_columns_and_indexes_and_drops_the_unused_fingerprint_index(
      Dialect d) {
    List<String> statements =
        Schema.statements(Jdbi.create("jdbc:h2:mem:"), "migrate-3-" + d.lowerName() + ".sql");
    assertThat(String.join("\n", statements))
        .contains("parent_id", "inherited_messages", "thread_hash")
        .contains("REFERENCES generations (id)")
        .contains("CREATE INDEX IF NOT EXISTS generations_parent")
        .contains("CREATE INDEX IF NOT EXISTS generations_thread_hash")
        .contains("DROP INDEX IF EXISTS generations_fingerprint");
  }

  @ParameterizedTest
  @EnumSource(
      value = Dialect.class,
      names = {"SQLITE", "H2"})
  void a_database_at_version_1_is_migrated_at_start_or_refused_by_verify_with_what_to_apply(
      Dialect d) {
    String url =
        d == Dialect.H2
            ? "jdbc:h2:file:" + dir.resolve("v1").toAbsolutePath()
            : "jdbc:sqlite:" + dir.resolve("v1.db").toAbsolutePath();
    String migration = "migrate-3-" + d.lowerName() + ".sql";
    Jdbi jdbi = Jdbi.create(url);
    jdbi.useHandle(
        h -> {
          for (String statement : Schema.statements(jdbi, d)) {
            h.execute(statement);
          }
          h.execute("INSERT INTO genvault_schema (version) VALUES (1)");
          // A chat turn as version 1 stored it: the whole conversation in the request's JSON.
          h.createUpdate(
                  "INSERT INTO generations (id, kind, user_id, model, request, text, status,"
                      + " created_at, updated_at) VALUES ('old-turn', 'text', 'u1', 'gpt-4o-mini',"
                      + " :request, 'a2', 'complete', :at, :at)")
              .bind(
                  "request",
                  "{\"kind\":\"text\",\"model\":\"gpt-4o-mini\",\"messages\":[{\"role\":\"user\","
                      + "\"content\":\"q1\"},{\"role\":\"assistant\",\"content\":\"a1\"},"
                      + "{\"role\":\"user\",\"content\":\"q2\"}],\"user_id\":\"u1\"}")
              .bind(
                  "at",
                  d == Dialect.H2
                      ? (Object) java.time.OffsetDateTime.parse("2026-01-01T00:00:00Z")
                      : (Object) 1_767_225_600_000_000L)
              .execute();
        });

    assertThatThrownBy(
            () -> JdbcGenerationStore.builder().jdbcUrl(url).schema(SchemaMode.VERIFY).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("at version 1, this code needs 8")
        .hasMessageContaining(migration);
    assertThatThrownBy(() -> JdbcDedupCache.builder().jdbi(jdbi).schema(SchemaMode.VERIFY).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(migration);

    try (JdbcGenerationStore store = JdbcGenerationStore.builder().jdbcUrl(url).build()) {
      JdbcDedupCache.create(store).put("t:fp", "gen-1", java.time.Duration.ofMinutes(1));
      dev.genvault.Generation old = store.find("old-turn").orElseThrow();
      assertThat(old.request().messages()).hasSize(3);
      assertThat(old.request().userId()).isEqualTo("u1");
      assertThat(old.link()).isNull();
      assertThat(old.threadId()).isEqualTo("old-turn");
      assertThat(store.threadTip("old-turn").orElseThrow().threadHash())
          .as("rows stored before threads are not rewritten: no hash, nothing links to them")
          .isNull();
    }
    Integer version =
        jdbi.withHandle(
            h ->
                h.createQuery("SELECT MAX(version) FROM genvault_schema")
                    .mapTo(Integer.class)
                    .one());
    assertThat(version).isEqualTo(JdbcGenerationStore.SCHEMA_VERSION).isEqualTo(8);
    try (JdbcGenerationStore verified =
        JdbcGenerationStore.builder().jdbcUrl(url).schema(SchemaMode.VERIFY).build()) {
      assertThat(JdbcDedupCache.create(verified).get("t:fp")).contains("gen-1");
    }
    // A second start on the migrated database leaves the indexes later versions dropped dropped.
    JdbcGenerationStore.builder().jdbcUrl(url).build().close();
    List<String> indexes =
        jdbi.withHandle(
            h ->
                h.createQuery(
                        d == Dialect.H2
                            ? "SELECT LOWER(INDEX_NAME) FROM INFORMATION_SCHEMA.INDEXES"
                                + " WHERE TABLE_NAME = 'GENERATIONS'"
                            : "SELECT name FROM sqlite_master WHERE type = 'index'")
                    .mapTo(String.class)
                    .list());
    assertThat(indexes)
        .contains("generations_thread_key", "generations_thread_key_bytes")
        .doesNotContain("generations_thread_hash", "generations_fingerprint");
  }
}
