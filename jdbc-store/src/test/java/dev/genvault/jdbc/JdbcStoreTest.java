package dev.genvault.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genvault.DemoModel;
import dev.genvault.Generation;
import dev.genvault.GenerationQuery;
import dev.genvault.GenerationRequest;
import dev.genvault.GenerationStatus;
import dev.genvault.GenerationStream;
import dev.genvault.Message;
import dev.genvault.ModelClient;
import dev.genvault.ModelResult;
import dev.genvault.PersistenceException;
import dev.genvault.PersistentGenerator;
import dev.genvault.SpendQuery;
import dev.genvault.spi.Chunk;
import dev.genvault.spi.PageCursor;
import dev.genvault.spi.Threads;
import dev.genvault.tck.Fixtures;
import java.io.PrintWriter;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import javax.sql.DataSource;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What the contract does not cover: concurrency on SQLite, big and odd text, hostile input. */
class JdbcStoreTest {
  @TempDir java.nio.file.Path dir;

  private JdbcGenerationStore sqlite() {
    return JdbcGenerationStore.sqlite(dir.resolve("genvault.db"));
  }

  private JdbcGenerationStore h2() {
    return JdbcGenerationStore.builder()
        .jdbcUrl("jdbc:h2:file:" + dir.resolve("h2").toAbsolutePath())
        .build();
  }

  private static JdbcGenerationStore postgres() {
    JdbcGenerationStore store = JdbcGenerationStore.create(Postgres.pool());
    store
        .jdbi()
        .useHandle(h -> h.execute("TRUNCATE generations, generation_chunks, generation_blobs"));
    return store;
  }

  @Test
  void eight_concurrent_streams_on_sqlite_all_complete_without_busy_errors() throws Exception {
    try (JdbcGenerationStore store = sqlite();
        PersistentGenerator genvault =
            PersistentGenerator.builder()
                .store(store)
                .checkpointPolicy(new dev.genvault.CheckpointPolicy(Duration.ofMillis(5), 4))
                .build()) {
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<Generation>> futures = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          GenerationRequest r =
              GenerationRequest.builder()
                  .model("demo")
                  .prompt("stream number " + i)
                  .userId("u" + i)
                  .build();
          futures.add(
              pool.submit(
                  () -> {
                    try (GenerationStream s =
                        genvault.stream(r, DemoModel.create(Duration.ofMillis(2), 40))) {
                      s.forEach(piece -> {});
                      return s.result();
                    }
                  }));
        }
        for (Future<Generation> f : futures) {
          Generation g = f.get(60, TimeUnit.SECONDS);
          assertThat(g.status()).isEqualTo(GenerationStatus.COMPLETE);
          Generation stored = store.find(g.id()).orElseThrow();
          assertThat(stored.status()).isEqualTo(GenerationStatus.COMPLETE);
          assertThat(stored.text()).isEqualTo(g.text()).isNotEmpty();
          assertThat(stored.usage()).isEqualTo(g.usage());
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void a_one_megabyte_streamed_result_is_assembled_exactly_on_every_database() throws Exception {
    StringBuilder expected = new StringBuilder();
    List<String> pieces = new ArrayList<>();
    for (int i = 0; expected.length() < 1_048_576; i++) {
      String piece = "token " + i + " 🧪 ünï 中文 ";
      pieces.add(piece);
      expected.append(piece);
    }
    ModelClient big =
        ModelClient.of(
            "test",
            call -> {
              pieces.forEach(call::emit);
              return ModelResult.builder().finishReason("stop").build();
            });
    for (JdbcGenerationStore store : List.of(sqlite(), h2(), postgres())) {
      try (store;
          PersistentGenerator genvault =
              PersistentGenerator.builder()
                  .store(store)
                  .checkpointPolicy(new dev.genvault.CheckpointPolicy(Duration.ofMillis(5), 500))
                  .build()) {
        Generation g = genvault.generate(GenerationRequest.prompt("m", "write a lot"), big);
        assertThat(store.find(g.id()).orElseThrow().text())
            .as(store.toString())
            .isEqualTo(expected.toString());
      }
    }
  }

  @Test
  void a_finished_streamed_generation_keeps_its_text_on_the_row_and_drops_its_chunks() {
    for (JdbcGenerationStore store : List.of(sqlite(), h2(), postgres())) {
      try (store) {
        Generation pending = Fixtures.pending(Fixtures.newId(), Fixtures.T0);
        store.insert(pending);
        store.appendChunks(
            List.of(
                new Chunk(pending.id(), 0, "a", Fixtures.T0),
                new Chunk(pending.id(), 1, "b", Fixtures.T0)),
            Fixtures.T0);
        assertThat(store.chunks(pending.id(), -1)).hasSize(2);
        assertThat(store.finish(Fixtures.complete(pending, Fixtures.T0.plusSeconds(1), "ab")))
            .isTrue();
        assertThat(store.chunks(pending.id(), -1)).as(store.toString()).isEmpty();
        assertThat(store.find(pending.id()).orElseThrow().text()).isEqualTo("ab");
        // a generation that never streamed is finished by a plain update
        Generation quiet = Fixtures.pending(Fixtures.newId(), Fixtures.T0);
        store.insert(quiet);
        Generation whole =
            Fixtures.complete(quiet, Fixtures.T0.plusSeconds(1), "whole").toBuilder()
                .firstTokenAt(null)
                .build();
        assertThat(store.finish(whole)).isTrue();
        assertThat(store.finish(whole)).isFalse();
        assertThat(store.find(quiet.id()).orElseThrow().text()).isEqualTo("whole");
      }
    }
  }

  @Test
  void four_byte_utf8_round_trips_and_a_nul_in_a_result_follows_the_documented_rule() {
    String result = "nul:\0 end, clef 𝄞, emoji 🧪";
    for (JdbcGenerationStore store : List.of(sqlite(), h2(), postgres())) {
      try (store) {
        Generation pending =
            Fixtures.pending(Fixtures.newId(), Fixtures.T0).toBuilder()
                .request(GenerationRequest.prompt("m", "𝄞 and 🧪 in the prompt"))
                .build();
        store.insert(pending);
        store.appendChunks(List.of(new Chunk(pending.id(), 0, result, Fixtures.T0)), Fixtures.T0);
        String live = store.find(pending.id()).orElseThrow().text();
        store.finish(Fixtures.complete(pending, Fixtures.T0.plusSeconds(1), result));
        Generation done = store.find(pending.id()).orElseThrow();
        assertThat(done.request().prompt()).isEqualTo("𝄞 and 🧪 in the prompt");
        if (store.dialect() == Dialect.POSTGRESQL) {
          // PostgreSQL text cannot hold U+0000: it is replaced by U+FFFD, never dropped.
          assertThat(live).isEqualTo(result.replace('\0', '\uFFFD'));
          assertThat(done.text()).isEqualTo(result.replace('\0', '\uFFFD'));
        } else {
          assertThat(live).as(store.toString()).isEqualTo(result);
          assertThat(done.text()).as(store.toString()).isEqualTo(result);
        }
      }
    }
  }

  @Test
  void injection_payloads_in_every_filter_match_nothing_and_change_no_schema() {
    List<String> payloads =
        List.of(
            "' OR '1'='1",
            "x'; DROP TABLE generations; --",
            "%",
            "_",
            "\\",
            "\" OR 1=1 --",
            "u1' UNION SELECT * FROM generation_chunks --");
    for (JdbcGenerationStore store : List.of(sqlite(), h2(), postgres())) {
      try (store) {
        store.insert(Fixtures.pending(Fixtures.newId(), "u1", "t1", "m1", Fixtures.T0));
        for (String p : payloads) {
          assertThat(store.list(GenerationQuery.builder().userId(p).build()).items()).isEmpty();
          assertThat(store.list(GenerationQuery.builder().tenantId(p).build()).items()).isEmpty();
          assertThat(store.list(GenerationQuery.builder().model(p).build()).items()).isEmpty();
          assertThat(
                  store.spend(
                      SpendQuery.between(Instant.EPOCH, Instant.parse("2100-01-01T00:00:00Z"))
                          .forUser(p)))
              .isEmpty();
          assertThat(store.find(p)).isEmpty();
          assertThat(store.delete(p)).isFalse();
          assertThat(store.deleteByUser(p)).isZero();
        }
        assertThat(store.list(GenerationQuery.builder().build()).items()).hasSize(1);
        Integer versions =
            store
                .jdbi()
                .withHandle(
                    h ->
                        h.createQuery("SELECT COUNT(*) FROM genvault_schema")
                            .mapTo(Integer.class)
                            .one());
        assertThat(versions).isEqualTo(1);
      }
    }
  }

  @Test
  void on_postgresql_the_history_spend_and_sweeper_queries_use_their_indexes() {
    try (JdbcGenerationStore store = postgres()) {
      store
          .jdbi()
          .useHandle(
              h -> {
                h.execute(
                    "INSERT INTO generations (id, kind, user_id, tenant_id, model, request, status, created_at,"
                        + " updated_at, heartbeat_at) SELECT 'g' || i, 'text', 'user-' || (i % 500), 'tenant-' || (i % 20),"
                        + " 'm', '{\"kind\":\"text\",\"model\":\"m\",\"prompt\":\"p\"}', CASE WHEN i % 100 = 0 THEN"
                        + " 'streaming' ELSE 'complete' END, now() - i * interval '1 second', now(),"
                        + " CASE WHEN i % 100 = 0 THEN now() - i * interval '1 second' END"
                        + " FROM generate_series(1, 50000) AS i");
                // And one user with a long history: 20,000 rows.
                h.execute(
                    "INSERT INTO generations (id, kind, user_id, tenant_id, model, request, status,"
                        + " created_at, updated_at) SELECT 'h' || i, 'text', 'user-long', 'tenant-0',"
                        + " 'm', '{\"kind\":\"text\",\"model\":\"m\",\"prompt\":\"p\"}', 'complete',"
                        + " now() - i * interval '1 second', now() FROM generate_series(1, 20000) AS i");
                h.execute("ANALYZE generations");
              });
      // The very statements the store runs, with their parameters bound as the store binds them.
      String history =
          plan(store, GenerationSql.list(GenerationQuery.builder().userId("user-7").build()));
      // The history indexes are ascending (schema 6): newest first is the index read backwards.
      assertThat(history).contains("Index Scan Backward using generations_user_history");
      // Schema 8: the index holds no ID; rows of one microsecond are put in ID order by an
      // incremental sort, never a sort of the user's whole history.
      assertThat(history).doesNotContainPattern("(?m)^\\s*->\\s*Sort");
      // A later page starts reading the index at its cursor's time (here the user's 60 older
      // rows: the planner may also fetch them by bitmap and sort them).
      String later = plan(store, GenerationSql.list(olderThan("user-7", 20_000)));
      assertThat(later)
          .contains("generations_user_history")
          .containsPattern("Index Cond: .*created_at <=")
          .doesNotContain("Seq Scan");
      // The user with 20,000 rows, half of them older than the cursor: read backwards from the
      // cursor's time, no sort of those 10,000.
      for (GenerationQuery q :
          List.of(
              GenerationQuery.builder().userId("user-long").build(),
              olderThan("user-long", 10_000))) {
        assertThat(plan(store, GenerationSql.list(q)))
            .contains("Index Scan Backward using generations_user_history")
            .doesNotContainPattern("(?m)^\\s*->\\s*Sort")
            .doesNotContain("Seq Scan");
      }
      // A tenant with a twentieth of the rows: the planner may read the tenant's index or walk
      // the newest rows of all until the page is full; either is an index, never the whole table.
      assertThat(
              plan(
                  store,
                  GenerationSql.list(GenerationQuery.builder().tenantId("tenant-3").build())))
          .containsPattern("Index Scan Backward using generations_(tenant_)?history")
          .doesNotContain("Seq Scan");
      assertThat(plan(store, GenerationSql.list(GenerationQuery.builder().build())))
          .contains("Index Scan Backward using generations_history");
      Instant to = Instant.now();
      Instant from = to.minus(Duration.ofHours(1));
      assertThat(plan(store, spend(SpendQuery.between(from, to).forUser("user-7"))))
          .contains("generations_user_history")
          .doesNotContain("Seq Scan");
      assertThat(plan(store, spend(SpendQuery.between(from, to).forTenant("tenant-3"))))
          .containsPattern("generations_(tenant_)?history")
          .doesNotContain("Seq Scan");
      String sweeper =
          plan(
              store,
              new GenerationSql(Dialect.POSTGRESQL.sql())
                  .stale(Instant.now().minus(Duration.ofHours(1)), 100));
      // Live rows are found through their leases (one row per live generation, read whole),
      // then by primary key: never by reading the generations table.
      assertThat(sweeper).contains("generation_leases").contains("generations_pkey");
      assertThat(sweeper).doesNotContain("Seq Scan on generations");
      // A new turn's parent: by thread key as bytes (schema 7) and as the hex text of rows
      // written before, each through its own partial index.
      GenerationRequest turn =
          GenerationRequest.builder()
              .model("m")
              .userId("user-7")
              .messages(List.of(Message.user("q1"), Message.assistant("a1"), Message.user("q2")))
              .build();
      String parent = plan(store, ThreadRows.byPrefix(Threads.prefixesOf(turn)));
      assertThat(parent)
          .contains("generations_thread_key_bytes")
          .containsPattern("generations_thread_key\\b")
          .doesNotContain("Seq Scan");
    }
  }

  /** A user's page of generations older than {@code seconds} ago. */
  private static GenerationQuery olderThan(String userId, long seconds) {
    return GenerationQuery.builder()
        .userId(userId)
        .cursor(new PageCursor(Instant.now().minusSeconds(seconds), "g1").encode())
        .build();
  }

  /** The spend report's totals query, bound as SpendReport binds it. */
  private static GenerationSql.Bound spend(SpendQuery q) {
    return new GenerationSql.Bound(
        new SpendReport(Dialect.POSTGRESQL.sql(), q).totalsSql(),
        s -> {
          s.bindByType("from", q.createdFrom(), ColumnTypes.TIME)
              .bindByType("to", q.createdBefore(), ColumnTypes.TIME);
          q.userId().ifPresent(u -> s.bind("userId", u));
          q.tenantId().ifPresent(t -> s.bind("tenantId", t));
        });
  }

  private static String plan(JdbcGenerationStore store, GenerationSql.Bound statement) {
    List<String> lines =
        store
            .jdbi()
            .withHandle(
                h ->
                    new GenerationSql.Bound("EXPLAIN " + statement.sql(), statement.binds())
                        .query(h)
                        .mapTo(String.class)
                        .list());
    return String.join("\n", lines);
  }

  @Test
  void a_page_of_generations_without_files_is_read_without_asking_for_files() {
    try (JdbcGenerationStore store = sqlite()) {
      java.util.List<String> statements = new java.util.concurrent.CopyOnWriteArrayList<>();
      store
          .jdbi()
          .setSqlLogger(
              new org.jdbi.v3.core.statement.SqlLogger() {
                @Override
                public void logAfterExecution(org.jdbi.v3.core.statement.StatementContext ctx) {
                  statements.add(ctx.getRawSql());
                }
              });
      Generation text = Fixtures.pending(Fixtures.newId(), Fixtures.T0);
      store.insert(text);
      store.finish(
          Fixtures.complete(text, Fixtures.T0.plusSeconds(1), "words").toBuilder()
              .blobs(List.of())
              .build());
      statements.clear();
      assertThat(store.list(GenerationQuery.builder().build()).items()).hasSize(1);
      assertThat(statements).noneMatch(sql -> sql.contains("generation_blobs"));

      Generation image = Fixtures.pending(Fixtures.newId(), Fixtures.T0.plusSeconds(2));
      store.insert(image);
      store.finish(Fixtures.complete(image, Fixtures.T0.plusSeconds(3), ""));
      statements.clear();
      List<Generation> page = store.list(GenerationQuery.builder().build()).items();
      assertThat(page).hasSize(2);
      assertThat(page.get(0).blobs()).hasSize(1);
      assertThat(page.get(1).blobs()).isEmpty();
      assertThat(statements).anyMatch(sql -> sql.contains("generation_blobs"));
    }
  }

  @Test
  void a_jdbi_of_yours_keeps_its_own_time_binding() {
    Jdbi mine = Jdbi.create("jdbc:sqlite:" + dir.resolve("mine.db").toAbsolutePath());
    Instant oneSecond = Instant.EPOCH.plusSeconds(1);
    try (JdbcGenerationStore store = JdbcGenerationStore.builder().jdbi(mine).build()) {
      store.insert(Fixtures.pending(Fixtures.newId(), Fixtures.T0));
      assertThat(store.list(GenerationQuery.builder().build()).items()).hasSize(1);
      mine.useHandle(
          h -> {
            // The store's columns hold epoch microseconds; an Instant of yours binds as before.
            assertThat(
                    h.createQuery("SELECT :t")
                        .bindByType("t", oneSecond, ColumnTypes.TIME)
                        .mapTo(Long.class)
                        .one())
                .isEqualTo(1_000_000L);
            assertThat(h.createQuery("SELECT :t").bind("t", oneSecond).mapTo(Long.class).one())
                .isEqualTo(1_000L);
          });
    }
  }

  @Test
  void an_unsupported_database_is_refused_at_build_never_guessed() {
    DataSource oracle = new FakeDataSource("Oracle");
    assertThatThrownBy(() -> JdbcGenerationStore.create(oracle))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("does not support the database 'Oracle'");
  }

  @Test
  void an_unreachable_database_is_reported_as_such_at_start() {
    assertThatThrownBy(
            () ->
                JdbcGenerationStore.builder()
                    .jdbcUrl("jdbc:postgresql://127.0.0.1:1/none")
                    .credentials("u", "secret-password")
                    .build())
        .isInstanceOf(PersistenceException.class)
        .hasMessageContaining("cannot connect")
        .hasMessageNotContaining("secret-password");
  }

  @Test
  void verify_mode_refuses_a_database_without_the_schema() {
    assertThatThrownBy(
            () ->
                JdbcGenerationStore.builder()
                    .jdbcUrl("jdbc:h2:file:" + dir.resolve("empty").toAbsolutePath())
                    .schema(SchemaMode.VERIFY)
                    .build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("schema is missing");
    try (JdbcGenerationStore created = h2()) {
      assertThat(created.dialect()).isEqualTo(Dialect.H2);
    }
    try (JdbcGenerationStore verified =
        JdbcGenerationStore.builder()
            .jdbcUrl("jdbc:h2:file:" + dir.resolve("h2").toAbsolutePath())
            .schema(SchemaMode.VERIFY)
            .build()) {
      assertThat(verified.dialect()).isEqualTo(Dialect.H2);
    }
  }

  @Test
  void the_durability_settings_are_right_by_default() {
    try (JdbcGenerationStore store = sqlite()) {
      store
          .jdbi()
          .useHandle(
              h -> {
                assertThat(h.createQuery("PRAGMA journal_mode").mapTo(String.class).one())
                    .isEqualToIgnoringCase("wal");
                assertThat(h.createQuery("PRAGMA synchronous").mapTo(Integer.class).one())
                    .isEqualTo(2); // FULL
                assertThat(h.createQuery("PRAGMA busy_timeout").mapTo(Integer.class).one())
                    .isGreaterThanOrEqualTo(5000);
              });
    }
    try (JdbcGenerationStore store = h2()) {
      // H2 lists the setting at two scopes; without WRITE_DELAY=0 one of them is 500 ms.
      List<Integer> delays =
          store
              .jdbi()
              .withHandle(
                  h ->
                      h.createQuery(
                              "SELECT SETTING_VALUE FROM INFORMATION_SCHEMA.SETTINGS"
                                  + " WHERE SETTING_NAME = 'WRITE_DELAY'")
                          .mapTo(Integer.class)
                          .list());
      assertThat(delays).isNotEmpty().containsOnly(0);
    }
  }

  /** A DataSource whose connections claim to be some other database. */
  private static final class FakeDataSource implements DataSource {
    private final String product;

    FakeDataSource(String product) {
      this.product = product;
    }

    @Override
    public Connection getConnection() {
      DatabaseMetaData meta =
          (DatabaseMetaData)
              Proxy.newProxyInstance(
                  getClass().getClassLoader(),
                  new Class<?>[] {DatabaseMetaData.class},
                  (p, m, a) -> m.getName().equals("getDatabaseProductName") ? product : null);
      return (Connection)
          Proxy.newProxyInstance(
              getClass().getClassLoader(),
              new Class<?>[] {Connection.class},
              (p, m, a) ->
                  switch (m.getName()) {
                    case "getMetaData" -> meta;
                    case "getAutoCommit", "isClosed" -> m.getName().equals("getAutoCommit");
                    case "isValid" -> true;
                    default -> null;
                  });
    }

    @Override
    public Connection getConnection(String u, String p) {
      return getConnection();
    }

    @Override
    public PrintWriter getLogWriter() {
      return null;
    }

    @Override
    public void setLogWriter(PrintWriter out) {}

    @Override
    public void setLoginTimeout(int seconds) {}

    @Override
    public int getLoginTimeout() {
      return 0;
    }

    @Override
    public Logger getParentLogger() {
      return Logger.getGlobal();
    }

    @Override
    public <T> T unwrap(Class<T> iface) {
      throw new UnsupportedOperationException("unwrap");
    }

    @Override
    public boolean isWrapperFor(Class<?> iface) {
      return false;
    }
  }
}
