package dev.genvault.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genvault.Generation;
import dev.genvault.PersistenceException;
import dev.genvault.spi.RowOutcome;
import dev.genvault.tck.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Batch writes on PostgreSQL: a refused value fails its row alone; an outage fails the batch. */
class BatchWritesTest {
  private static Generation pending() {
    return Fixtures.pending(Fixtures.newId(), Fixtures.T0);
  }

  @Test
  void a_value_too_long_for_its_column_fails_its_row_alone() {
    JdbcGenerationStore store = JdbcGenerationStore.create(Postgres.pool());
    Generation before = pending();
    Generation tooLong = pending().toBuilder().provider("p".repeat(200)).build(); // over 128
    Generation after = pending();

    List<RowOutcome> outcomes = store.insertAll(List.of(before, tooLong, after));

    assertThat(outcomes.get(0).isApplied()).isTrue();
    assertThat(outcomes.get(1).failure())
        .isInstanceOfSatisfying(
            PersistenceException.class, e -> assertThat(e.isRetryable()).isFalse());
    assertThat(outcomes.get(2).isApplied()).isTrue();
    assertThat(store.find(before.id())).contains(before);
    assertThat(store.find(tooLong.id())).isEmpty();
    assertThat(store.find(after.id())).contains(after);

    Generation end = Fixtures.complete(before, Fixtures.T0.plusSeconds(1), "done");
    Generation badEnd =
        Fixtures.complete(after, Fixtures.T0.plusSeconds(1), "x").toBuilder()
            .finishReason("f".repeat(100)) // over 64
            .build();
    List<RowOutcome> ends = store.finishAll(List.of(badEnd, end));
    assertThat(ends.get(0).failure()).isInstanceOf(PersistenceException.class);
    assertThat(ends.get(1).isApplied()).isTrue();
    assertThat(store.find(before.id())).contains(end);
    assertThat(store.find(after.id())).contains(after);
  }

  @Test
  void an_outage_fails_every_row_of_the_batch_retryably_and_writes_none() {
    DatabaseOutageTest.SwitchableDataSource db =
        new DatabaseOutageTest.SwitchableDataSource(Postgres.pool());
    JdbcGenerationStore store = JdbcGenerationStore.create(db);
    List<Generation> rows = List.of(pending(), pending(), pending());
    db.down.set(true);
    List<RowOutcome> outcomes = store.insertAll(rows);
    db.down.set(false);
    assertThat(outcomes)
        .allSatisfy(
            o ->
                assertThat(o.failure())
                    .isInstanceOfSatisfying(
                        PersistenceException.class, e -> assertThat(e.isRetryable()).isTrue()));
    for (Generation g : rows) {
      assertThat(store.find(g.id())).isEmpty();
    }
    assertThat(store.insertAll(rows)).allMatch(RowOutcome::isApplied);
  }
}
