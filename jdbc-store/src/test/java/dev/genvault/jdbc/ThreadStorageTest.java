package dev.genvault.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genvault.Generation;
import dev.genvault.GenerationQuery;
import dev.genvault.GenerationRequest;
import dev.genvault.Message;
import dev.genvault.ModelClient;
import dev.genvault.ModelResult;
import dev.genvault.PersistentGenerator;
import dev.genvault.SpendQuery;
import dev.genvault.Usage;
import dev.genvault.spi.Threads;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A conversation through the generator into each database: every message is written once, in the
 * row of the turn that asked or answered it, and every turn still reads back whole.
 */
class ThreadStorageTest {
  private static final int TURNS = 30;

  @TempDir static Path dir;

  static Stream<String> databases() {
    return Stream.of("sqlite", "h2", "postgresql");
  }

  private static JdbcGenerationStore store(String database) {
    return store(database, "threads");
  }

  /** A store of its own on SQLite and H2 (PostgreSQL's tables are emptied for each test). */
  private static JdbcGenerationStore store(String database, String name) {
    return switch (database) {
      case "sqlite" -> JdbcGenerationStore.sqlite(dir.resolve(name + ".db"));
      case "h2" -> JdbcGenerationStore.create("jdbc:h2:mem:" + name + ";DB_CLOSE_DELAY=-1");
      default -> {
        JdbcGenerationStore s = JdbcGenerationStore.create(Postgres.pool());
        s.jdbi()
            .useHandle(h -> h.execute("TRUNCATE generations, generation_chunks, generation_blobs"));
        yield s;
      }
    };
  }

  /** Alice's conversation of {@code n} turns, each asking {@code question-{t} text}. */
  private static List<Generation> converse(PersistentGenerator genvault, ModelClient model, int n) {
    List<Message> messages = new ArrayList<>();
    List<Generation> turns = new ArrayList<>();
    for (int t = 0; t < n; t++) {
      messages.add(Message.user("question-" + t + " text"));
      Generation g = genvault.generate(aliceAsks(messages), model);
      turns.add(g);
      messages.add(Message.assistant(g.text()));
    }
    return turns;
  }

  /** Answers {@code answer-N}, N the number of messages it was sent. */
  private static final ModelClient COUNTING =
      ModelClient.of(
          "test",
          call -> {
            call.emit("answer-" + call.request().messages().size());
            return ModelResult.builder().finishReason("stop").build();
          });

  @ParameterizedTest
  @MethodSource("databases")
  void erasing_a_user_in_batches_leaves_whole_threads_after_each_batch(String database) {
    try (JdbcGenerationStore store = store(database);
        PersistentGenerator genvault = PersistentGenerator.builder().store(store).build()) {
      List<Generation> turns = converse(genvault, COUNTING, 10);
      // Batches of 3, newest first; after each, everything left reads back exactly as stored.
      List<Integer> batches = new ArrayList<>();
      for (int n; (n = store.deleteNewestOfUser("alice", 3)) > 0; ) {
        batches.add(n);
        for (Generation g : turns) {
          store.find(g.id()).ifPresent(read -> assertThat(read.request()).isEqualTo(g.request()));
        }
      }
      assertThat(batches).containsExactly(3, 3, 3, 1);
      assertThat(store.list(GenerationQuery.builder().userId("alice").build()).items()).isEmpty();
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void hashes_are_kept_as_bytes_and_rows_that_kept_hex_text_still_read_and_carry_on(
      String database) {
    try (JdbcGenerationStore store = store(database, "hashes");
        PersistentGenerator genvault = PersistentGenerator.builder().store(store).build()) {
      List<Generation> turns = converse(genvault, COUNTING, 3);
      assertThat(turns.get(2).fingerprint()).hasSize(32);
      assertThat(count(store, "fingerprint IS NULL AND thread_key IS NULL AND thread_hash IS NULL"))
          .as("no hash as text")
          .isEqualTo(3);
      assertThat(
              count(
                  store,
                  "fingerprint_bytes IS NOT NULL AND thread_key_bytes IS NOT NULL"
                      + " AND thread_hash_bytes IS NOT NULL"))
          .isEqualTo(3);

      // The rows as schema 6 wrote them: each hash as hex text, no bytes.
      asHexText(store);
      assertThat(count(store, "fingerprint_bytes IS NULL AND thread_key_bytes IS NULL"))
          .isEqualTo(3);
      for (Generation g : turns) {
        assertThat(store.find(g.id())).contains(g);
      }
      assertThat(store.threadTip(turns.get(2).id()).orElseThrow().threadHash())
          .isEqualTo(Threads.hashOf(turns.get(2)));
      // Turn 2 as a turn pending across the upgrade leaves it: its key written by the old version
      // (text), its hash by the new one (bytes).
      String hash2 = Threads.hashOf(turns.get(2));
      store
          .jdbi()
          .useHandle(
              h ->
                  h.createUpdate(
                          "UPDATE generations SET thread_hash = NULL, thread_hash_bytes = :b"
                              + " WHERE id = :id")
                      .bind("b", HexFormat.of().parseHex(hash2))
                      .bind("id", turns.get(2).id())
                      .execute());
      assertThat(store.threadTip(turns.get(2).id()).orElseThrow().threadHash()).isEqualTo(hash2);
      // Conversations carry on across the upgrade: a generator that remembers no recent turn (a
      // restarted process) finds turn 1 by its hex key and hash, and turn 2 by its hex key and
      // the hash it was given as bytes.
      List<Message> messages = new ArrayList<>();
      for (int t = 0; t < turns.size(); t++) {
        messages.add(Message.user("question-" + t + " text"));
        messages.add(Message.assistant(turns.get(t).text()));
      }
      Generation branch;
      Generation next;
      try (PersistentGenerator restarted = PersistentGenerator.builder().store(store).build()) {
        List<Message> fromTurn1 = new ArrayList<>(messages.subList(0, 4));
        fromTurn1.add(Message.user("question-b text"));
        branch = restarted.generate(aliceAsks(fromTurn1), COUNTING);
        messages.add(Message.user("question-3 text"));
        next = restarted.generate(aliceAsks(messages), COUNTING);
      }
      assertThat(branch.parentId()).isEqualTo(turns.get(1).id());
      assertThat(branch.inheritedMessages()).isEqualTo(4);
      assertThat(next.parentId()).isEqualTo(turns.get(2).id());
      assertThat(next.inheritedMessages()).isEqualTo(6);
      assertThat(store.find(branch.id())).contains(branch);
      assertThat(store.find(next.id())).contains(next);

      // A fingerprint that is not lowercase hex is kept exactly as it is.
      for (String odd : List.of("ABCDEF0123", "fp-1", "abc")) {
        Generation g =
            turns.get(0).toBuilder().id("odd-" + odd).fingerprint(odd).link(null).build();
        store.insertTerminal(g);
        assertThat(store.find(g.id()).orElseThrow().fingerprint()).isEqualTo(odd);
      }
    }
  }

  private static GenerationRequest aliceAsks(List<Message> messages) {
    return GenerationRequest.builder()
        .model("gpt-4o-mini")
        .messages(messages)
        .userId("alice")
        .build();
  }

  private static int count(JdbcGenerationStore store, String where) {
    return store
        .jdbi()
        .withHandle(
            h ->
                h.createQuery("SELECT COUNT(*) FROM generations WHERE " + where)
                    .mapTo(Integer.class)
                    .one());
  }

  /** Rewrites every row's hashes as schema 6 kept them: lowercase hex text, no bytes. */
  private static void asHexText(JdbcGenerationStore store) {
    HexFormat hex = HexFormat.of();
    store
        .jdbi()
        .useHandle(
            h -> {
              List<String[]> rows =
                  h.createQuery(
                          "SELECT id, fingerprint_bytes, thread_key_bytes, thread_hash_bytes"
                              + " FROM generations")
                      .map(
                          (rs, ctx) -> {
                            String[] row = new String[4];
                            row[0] = rs.getString(1);
                            for (int i = 2; i <= 4; i++) {
                              byte[] b = rs.getBytes(i);
                              row[i - 1] = b == null ? null : hex.formatHex(b);
                            }
                            return row;
                          })
                      .list();
              for (String[] row : rows) {
                h.createUpdate(
                        "UPDATE generations SET fingerprint = :fp, thread_key = :key,"
                            + " thread_hash = :hash, fingerprint_bytes = NULL,"
                            + " thread_key_bytes = NULL, thread_hash_bytes = NULL WHERE id = :id")
                    .bindByType("fp", row[1], String.class)
                    .bindByType("key", row[2], String.class)
                    .bindByType("hash", row[3], String.class)
                    .bind("id", row[0])
                    .execute();
              }
            });
  }

  @ParameterizedTest
  @MethodSource("databases")
  void a_conversation_writes_each_message_once_and_reads_back_whole(String database) {
    ModelClient model =
        ModelClient.of(
            "test",
            call -> {
              int turn = call.request().messages().size() / 2;
              call.emit("answer-" + turn + " words words");
              return ModelResult.builder().finishReason("stop").usage(Usage.of(10, 5)).build();
            });
    try (JdbcGenerationStore store = store(database);
        PersistentGenerator genvault = PersistentGenerator.builder().store(store).build()) {
      List<Generation> turns = converse(genvault, model, TURNS);

      List<String> stored =
          store
              .jdbi()
              .withHandle(
                  h -> h.createQuery("SELECT request FROM generations").mapTo(String.class).list());
      for (int t = 0; t < TURNS; t++) {
        String question = "question-" + t + " text";
        String answer = "answer-" + t + " words";
        assertThat(stored.stream().filter(r -> r.contains(question)))
            .as("question %d is in one row's request", t)
            .hasSize(1);
        assertThat(stored.stream().filter(r -> r.contains(answer)))
            .as("answer %d is in no request: it is that turn's text", t)
            .isEmpty();
      }
      for (Generation g : turns) {
        assertThat(store.find(g.id())).contains(g);
      }
      String thread = turns.get(0).id();
      assertThat(turns.get(TURNS - 1).threadId()).isEqualTo(thread);
      assertThat(store.list(GenerationQuery.builder().threadId(thread).limit(100).build()).items())
          .hasSize(TURNS)
          .containsAll(turns);
      assertThat(store.spend(SpendQuery.ofThread(thread)).get(0).generations()).isEqualTo(TURNS);

      // Deleting every other turn leaves every other one whole.
      for (int t = 0; t < TURNS; t += 2) {
        assertThat(store.delete(turns.get(t).id())).isTrue();
      }
      for (int t = 1; t < TURNS; t += 2) {
        Generation read = store.find(turns.get(t).id()).orElseThrow();
        assertThat(read.request()).isEqualTo(turns.get(t).request());
        assertThat(read.threadId()).as("a thread keeps its ID").isEqualTo(thread);
      }
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void turns_of_one_thread_deleted_at_once_by_several_callers_all_go_and_the_rest_read_whole(
      String database) throws Exception {
    ModelClient model =
        ModelClient.of(
            "test", call -> ModelResult.text("answer " + call.request().messages().size()));
    try (JdbcGenerationStore store = store(database);
        PersistentGenerator genvault = PersistentGenerator.builder().store(store).build()) {
      List<Message> messages = new ArrayList<>();
      List<Generation> turns = new ArrayList<>();
      for (int t = 0; t < 24; t++) {
        messages.add(Message.user("q" + t));
        Generation g =
            genvault.generate(
                GenerationRequest.builder().model("m").messages(messages).userId("bob").build(),
                model);
        turns.add(g);
        messages.add(Message.assistant(g.text()));
      }
      // Four callers delete every turn but each fourth, neighbours at the same time.
      java.util.concurrent.ExecutorService pool =
          java.util.concurrent.Executors.newFixedThreadPool(4);
      try {
        List<java.util.concurrent.Future<Boolean>> deletions = new ArrayList<>();
        for (int k = 0; k < 4; k++) {
          int offset = k;
          deletions.add(
              pool.submit(
                  () -> {
                    boolean all = true;
                    for (int t = offset; t < 24; t += 4) {
                      if (t % 4 != 3) {
                        all &= store.delete(turns.get(t).id());
                      }
                    }
                    return all;
                  }));
        }
        for (java.util.concurrent.Future<Boolean> d : deletions) {
          assertThat(d.get()).isTrue();
        }
      } finally {
        pool.shutdownNow();
      }
      for (int t = 3; t < 24; t += 4) {
        Generation read = store.find(turns.get(t).id()).orElseThrow();
        assertThat(read.request()).isEqualTo(turns.get(t).request());
        assertThat(read.threadId()).isEqualTo(turns.get(0).id());
      }
      assertThat(store.list(GenerationQuery.builder().threadId(turns.get(0).id()).build()).items())
          .hasSize(6);
    }
  }

  @ParameterizedTest
  @MethodSource("databases")
  void reads_and_an_erasure_racing_deletions_of_the_same_thread_never_fail(String database)
      throws Exception {
    ModelClient model =
        ModelClient.of("test", call -> ModelResult.text("a" + call.request().messages().size()));
    try (JdbcGenerationStore store = store(database);
        PersistentGenerator genvault = PersistentGenerator.builder().store(store).build()) {
      List<Message> messages = new ArrayList<>();
      List<Generation> turns = new ArrayList<>();
      for (int t = 0; t < 30; t++) {
        messages.add(Message.user("q" + t));
        Generation g =
            genvault.generate(
                GenerationRequest.builder().model("m").messages(messages).userId("eve").build(),
                model);
        turns.add(g);
        messages.add(Message.assistant(g.text()));
      }
      java.util.concurrent.ExecutorService pool =
          java.util.concurrent.Executors.newFixedThreadPool(5);
      try {
        List<java.util.concurrent.Future<?>> work = new ArrayList<>();
        for (int k = 0; k < 2; k++) {
          int offset = k;
          work.add(
              pool.submit(
                  () -> {
                    for (int t = offset; t < 30; t += 4) {
                      store.delete(turns.get(t).id());
                    }
                  }));
          work.add(
              pool.submit(
                  () -> {
                    for (int t = 2 + offset; t < 30; t += 4) {
                      store
                          .find(turns.get(t).id())
                          .ifPresent(
                              g ->
                                  assertThat(g.request())
                                      .isEqualTo(
                                          turns
                                              .get(
                                                  turns.indexOf(
                                                      turns.stream()
                                                          .filter(x -> x.id().equals(g.id()))
                                                          .findFirst()
                                                          .orElseThrow()))
                                              .request()));
                    }
                  }));
        }
        java.util.concurrent.Future<Integer> erasure = pool.submit(() -> store.deleteByUser("eve"));
        for (java.util.concurrent.Future<?> w : work) {
          w.get();
        }
        erasure.get();
        store.deleteByUser("eve");
      } finally {
        pool.shutdownNow();
      }
      assertThat(store.list(GenerationQuery.builder().userId("eve").build()).items()).isEmpty();
    }
  }
}
