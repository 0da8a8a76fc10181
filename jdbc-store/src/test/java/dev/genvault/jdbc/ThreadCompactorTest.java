package dev.genvault.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genvault.Generation;
import dev.genvault.GenerationRequest;
import dev.genvault.Message;
import dev.genvault.ModelClient;
import dev.genvault.ModelResult;
import dev.genvault.PersistentGenerator;
import dev.genvault.spi.DedupCache;
import dev.genvault.spi.ForwardingGenerationStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Chat turns stored whole (as before threads) are converted by the compactor, and only by it. */
class ThreadCompactorTest {
  @TempDir static Path dir;

  static Stream<String> databases() {
    return Stream.of("sqlite", "h2", "postgresql");
  }

  private static JdbcGenerationStore store(String database) {
    return switch (database) {
      case "sqlite" -> JdbcGenerationStore.sqlite(dir.resolve("compact.db"));
      case "h2" -> JdbcGenerationStore.create("jdbc:h2:mem:compact;DB_CLOSE_DELAY=-1");
      default -> {
        JdbcGenerationStore s = JdbcGenerationStore.create(Postgres.pool());
        s.jdbi()
            .useHandle(h -> h.execute("TRUNCATE generations, generation_chunks, generation_blobs"));
        yield s;
      }
    };
  }

  /** Conversations stored whole, with no thread hashes: what a database before schema 3 holds. */
  private static Map<String, Generation> storedWhole(JdbcGenerationStore store) {
    ModelClient model =
        ModelClient.of(
            "test",
            call -> {
              List<Message> m = call.request().conversation();
              return ModelResult.text("re: " + m.get(m.size() - 1).content());
            });
    Map<String, Generation> rows = new LinkedHashMap<>();
    ForwardingGenerationStore threadsOff =
        new ForwardingGenerationStore(store) {
          @Override
          public boolean keepsThreads() {
            return false;
          }
        };
    try (PersistentGenerator genvault =
        PersistentGenerator.builder().store(threadsOff).cache(DedupCache.none()).build()) {
      for (String user : List.of("alice", "bob")) {
        for (int c = 0; c < 2; c++) {
          List<Message> messages = new ArrayList<>();
          for (int t = 0; t < 5; t++) {
            messages.add(Message.user(user + " conversation " + c + " question " + t));
            Generation g =
                genvault.generate(
                    GenerationRequest.builder()
                        .model("gpt-4o-mini")
                        .messages(messages)
                        .userId(user)
                        .build(),
                    model);
            rows.put(g.id(), g);
            messages.add(Message.assistant(g.text()));
          }
        }
      }
      Generation prompt =
          genvault.generate(GenerationRequest.prompt("gpt-4o-mini", "a one-off"), model);
      rows.put(prompt.id(), prompt);
    }
    store
        .jdbi()
        .useHandle(
            h -> h.execute("UPDATE generations SET thread_hash = NULL, thread_hash_bytes = NULL"));
    return rows;
  }

  private static String requestColumn(JdbcGenerationStore store, String id) {
    return store
        .jdbi()
        .withHandle(
            h ->
                h.createQuery("SELECT request FROM generations WHERE id = :id")
                    .bind("id", id)
                    .mapTo(String.class)
                    .one());
  }

  @ParameterizedTest
  @MethodSource("databases")
  void turns_stored_whole_become_threads_in_resumable_steps_and_read_back_the_same(
      String database) {
    try (JdbcGenerationStore store = store(database)) {
      Map<String, Generation> before = storedWhole(store);
      List<Generation> turns = new ArrayList<>(before.values());
      assertThat(store.find(turns.get(1).id()).orElseThrow().link())
          .as("nothing is rewritten until the compactor runs")
          .isNull();

      ThreadCompactor.Step first = ThreadCompactor.of(store).step(null, 7);
      assertThat(first.examined()).isEqualTo(7);
      assertThat(first.cursor()).isNotNull();
      int linked = first.linked();
      int hashed = first.hashed();
      String cursor = first.cursor();
      while (cursor != null) {
        // A new compactor each time: all a resumed run needs is the cursor.
        ThreadCompactor.Step step = ThreadCompactor.of(store).step(cursor, 7);
        linked += step.linked();
        hashed += step.hashed();
        cursor = step.cursor();
      }

      assertThat(linked).as("turns 2 to 5 of 4 conversations").isEqualTo(16);
      assertThat(hashed).isEqualTo(21);
      for (int i = 0; i < 20; i++) {
        Generation was = turns.get(i);
        Generation now = store.find(was.id()).orElseThrow();
        assertThat(now.request()).isEqualTo(was.request());
        assertThat(now.text()).isEqualTo(was.text());
        if (i % 5 == 0) {
          assertThat(now.link()).isNull();
        } else {
          assertThat(now.parentId()).isEqualTo(turns.get(i - 1).id());
          assertThat(now.threadId()).isEqualTo(turns.get(i - i % 5).id());
          String firstQuestion = was.request().messages().get(0).content();
          assertThat(requestColumn(store, was.id())).doesNotContain(firstQuestion);
        }
      }
      assertThat(store.find(turns.get(20).id()).orElseThrow().request())
          .isEqualTo(turns.get(20).request());
      ThreadCompactor.Step again = ThreadCompactor.of(store).step(null, 100);
      assertThat(again.linked()).as("a second run has nothing left to link").isZero();
      assertThat(again.hashed()).as("nor to hash").isZero();
      assertThat(again.cursor()).isNull();
    }
  }
}
