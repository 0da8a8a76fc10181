package dev.genvault.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genvault.Generation;
import dev.genvault.GenerationRequest;
import dev.genvault.GenerationStatus;
import dev.genvault.Message;
import dev.genvault.ThreadLink;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.jdbi.v3.core.Jdbi;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

/**
 * SQLite checks foreign keys only when a connection asks; a continuation's link relies on them, so
 * the store keeps threads only where they are on.
 */
class SqliteForeignKeysTest {
  @TempDir Path dir;

  private static Integer foreignKeys(JdbcGenerationStore store) {
    return store
        .jdbi()
        .withHandle(h -> h.createQuery("PRAGMA foreign_keys").mapTo(Integer.class).one());
  }

  @Test
  void a_store_that_makes_its_jdbi_turns_foreign_keys_on_and_keeps_threads() {
    try (JdbcGenerationStore fromPath = JdbcGenerationStore.sqlite(dir.resolve("a.db"))) {
      assertThat(foreignKeys(fromPath)).isEqualTo(1);
      assertThat(fromPath.keepsThreads()).isTrue();
    }
    SQLiteDataSource yours = new SQLiteDataSource();
    yours.setUrl("jdbc:sqlite:" + dir.resolve("b.db"));
    try (JdbcGenerationStore fromDataSource = JdbcGenerationStore.create(yours)) {
      assertThat(foreignKeys(fromDataSource)).isEqualTo(1);
      assertThat(fromDataSource.keepsThreads()).isTrue();
    }
  }

  @Test
  void a_jdbi_of_yours_without_foreign_keys_stores_every_request_whole() {
    Jdbi off = Jdbi.create("jdbc:sqlite:" + dir.resolve("c.db"));
    try (JdbcGenerationStore store = JdbcGenerationStore.builder().jdbi(off).build()) {
      assertThat(foreignKeys(store)).as("your Jdbi is left as it is").isEqualTo(0);
      assertThat(store.keepsThreads()).isFalse();
      // A link given to it anyway (a direct call) is not kept: the request is written whole.
      Generation linked =
          Generation.builder()
              .id("linked-without-fk-0001")
              .request(
                  GenerationRequest.chat(
                      "m", List.of(Message.user("q"), Message.assistant("a"), Message.user("q2"))))
              .status(GenerationStatus.COMPLETE)
              .text("a2")
              .createdAt(Instant.EPOCH.plusSeconds(1))
              .link(new ThreadLink("no-such-parent", "no-such-thread", 2))
              .build();
      store.insertTerminal(linked);
      Generation read = store.find(linked.id()).orElseThrow();
      assertThat(read.request()).isEqualTo(linked.request());
      assertThat(read.parentId()).isNull();
      assertThatThrownBy(() -> ThreadCompactor.of(store))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("foreign_keys");
    }
    Jdbi on = Jdbi.create("jdbc:sqlite:" + dir.resolve("d.db") + "?foreign_keys=true");
    try (JdbcGenerationStore store = JdbcGenerationStore.builder().jdbi(on).build()) {
      assertThat(store.keepsThreads()).isTrue();
    }
  }
}
