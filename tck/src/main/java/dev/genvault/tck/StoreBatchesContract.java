package dev.genvault.tck;

import static dev.genvault.tck.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;

import dev.genvault.DuplicateGenerationException;
import dev.genvault.Generation;
import dev.genvault.GenerationStatus;
import dev.genvault.spi.RowOutcome;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/**
 * The {@link GenerationStoreContract} group on batch writes: {@code insertAll} and {@code
 * finishAll} give each row its own outcome, in order, as the single calls would.
 */
abstract class StoreBatchesContract extends StoreQueriesContract {
  private static List<Generation> pendings(int n) {
    List<Generation> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(Fixtures.pending(Fixtures.newId(), T0.plusMillis(i)));
    }
    return rows;
  }

  @Nested
  @DisplayName("batch writes")
  class Batches {
    @Test
    void insert_all_writes_every_row_and_answers_in_the_order_given() {
      List<Generation> rows = pendings(5);
      List<RowOutcome> outcomes = store.insertAll(rows);
      assertThat(outcomes).hasSize(5).allMatch(RowOutcome::isApplied);
      for (Generation g : rows) {
        assertThat(store.find(g.id())).contains(g);
      }
    }

    @Test
    void an_empty_batch_writes_nothing() {
      assertThat(store.insertAll(List.of())).isEmpty();
      assertThat(store.finishAll(List.of())).isEmpty();
    }

    @Test
    void a_duplicate_or_terminal_row_fails_alone_and_its_neighbours_are_written() {
      Generation existing = insertPending(T0);
      Generation first = Fixtures.pending(Fixtures.newId(), T0);
      Generation terminal =
          Fixtures.complete(Fixtures.pending(Fixtures.newId(), T0), T0.plusSeconds(1), "done");
      Generation last = Fixtures.pending(Fixtures.newId(), T0);
      Generation existingAgain = existing.toBuilder().provider("another").build();
      Generation firstAgain = first.toBuilder().provider("another").build();

      List<RowOutcome> outcomes =
          store.insertAll(List.of(first, existingAgain, terminal, firstAgain, last));

      assertThat(outcomes.get(0).isApplied()).isTrue();
      assertThat(outcomes.get(1).failure()).isInstanceOf(DuplicateGenerationException.class);
      assertThat(outcomes.get(2).failure()).isInstanceOf(IllegalArgumentException.class);
      assertThat(outcomes.get(3).failure()).isInstanceOf(DuplicateGenerationException.class);
      assertThat(outcomes.get(4).isApplied()).isTrue();
      assertThat(store.find(existing.id())).contains(existing);
      assertThat(store.find(first.id())).contains(first);
      assertThat(store.find(terminal.id())).isEmpty();
      assertThat(store.find(last.id())).contains(last);
    }

    @Test
    void finish_all_finishes_live_rows_and_leaves_terminal_and_unknown_ones_alone() {
      Generation live = insertPending(T0);
      Generation done = insertPending(T0);
      Generation doneFirst = Fixtures.failed(done, T0.plusSeconds(1), "first end");
      store.finish(doneFirst);
      Generation unknown = Fixtures.pending(Fixtures.newId(), T0);
      Generation other = insertPending(T0);

      Generation liveEnd = Fixtures.complete(live, T0.plusSeconds(2), "the answer");
      List<RowOutcome> outcomes =
          store.finishAll(
              List.of(
                  liveEnd,
                  Fixtures.complete(done, T0.plusSeconds(2), "a second end"),
                  Fixtures.complete(unknown, T0.plusSeconds(2), "never inserted"),
                  other, // not terminal: refused, alone
                  Fixtures.complete(other, T0.plusSeconds(3), "other's end")));

      assertThat(outcomes.get(0).isApplied()).isTrue();
      assertThat(outcomes.get(1)).satisfies(o -> assertThat(o.getOrThrow()).isFalse());
      assertThat(outcomes.get(2)).satisfies(o -> assertThat(o.getOrThrow()).isFalse());
      assertThat(outcomes.get(3).failure()).isInstanceOf(IllegalArgumentException.class);
      assertThat(outcomes.get(4).isApplied()).isTrue();
      assertThat(store.find(live.id())).contains(liveEnd);
      assertThat(store.find(done.id())).contains(doneFirst);
      assertThat(store.find(unknown.id())).isEmpty();
      assertThat(store.find(other.id()).orElseThrow().text()).isEqualTo("other's end");
    }

    @Test
    void finish_all_again_changes_nothing() {
      List<Generation> rows = pendings(3);
      store.insertAll(rows);
      List<Generation> ends = new ArrayList<>();
      for (Generation g : rows) {
        ends.add(Fixtures.complete(g, T0.plusSeconds(5), "end of " + g.id()));
      }
      assertThat(store.finishAll(ends)).allMatch(RowOutcome::isApplied);
      List<Generation> later = new ArrayList<>();
      for (Generation g : rows) {
        later.add(Fixtures.failed(g, T0.plusSeconds(9), "too late"));
      }
      assertThat(store.finishAll(later)).allSatisfy(o -> assertThat(o.getOrThrow()).isFalse());
      for (int i = 0; i < rows.size(); i++) {
        assertThat(store.find(rows.get(i).id())).contains(ends.get(i));
        assertThat(store.find(rows.get(i).id()).orElseThrow().status())
            .isEqualTo(GenerationStatus.COMPLETE);
      }
    }

    @Test
    void the_same_row_twice_in_one_finish_batch_is_finished_once_by_the_first() {
      Generation g = insertPending(T0);
      Generation first = Fixtures.complete(g, T0.plusSeconds(1), "first");
      Generation second = Fixtures.failed(g, T0.plusSeconds(2), "second");
      List<RowOutcome> outcomes = store.finishAll(List.of(first, second));
      assertThat(outcomes.get(0).isApplied()).isTrue();
      assertThat(outcomes.get(1)).satisfies(o -> assertThat(o.getOrThrow()).isFalse());
      assertThat(store.find(g.id())).contains(first);
    }
  }
}
