package dev.genvault.tck;

import static dev.genvault.tck.Fixtures.T0;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genvault.DuplicateGenerationException;
import dev.genvault.Generation;
import dev.genvault.PersistenceException;
import dev.genvault.spi.ForwardingGenerationStore;
import dev.genvault.spi.GenerationStore;
import dev.genvault.spi.GroupCommitStore;
import dev.genvault.spi.RowOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

/** Group commit keeps the store contract, and batches, fails and recovers row by row. */
class GroupCommitStoreTest extends GenerationStoreContract {
  @Override
  protected GenerationStore createStore() {
    return GroupCommitStore.wrap(GenerationStore.inMemory());
  }

  /**
   * An in-memory store that records the size of every batch, can hold the first batch write until a
   * gate opens, and can fail the next batch (before or after writing it).
   */
  static final class Recording extends ForwardingGenerationStore {
    final List<Integer> insertBatches = new CopyOnWriteArrayList<>();
    final CountDownLatch firstWriteStarted = new CountDownLatch(1);
    final CountDownLatch gate = new CountDownLatch(1);
    volatile boolean holdFirst;
    volatile Supplier<RuntimeException> failBefore;
    volatile Supplier<Error> crashAfter;

    Recording() {
      super(GenerationStore.inMemory());
    }

    /** A batch of one comes as a single insert, a larger one as insertAll. */
    @Override
    public void insert(Generation generation) {
      write(
          List.of(generation),
          rows -> {
            super.insert(rows.get(0));
            return List.of(RowOutcome.applied());
          });
    }

    @Override
    public List<RowOutcome> insertAll(List<Generation> generations) {
      return write(generations, super::insertAll);
    }

    private List<RowOutcome> write(
        List<Generation> rows, java.util.function.Function<List<Generation>, List<RowOutcome>> w) {
      insertBatches.add(rows.size());
      if (holdFirst && firstWriteStarted.getCount() > 0) {
        firstWriteStarted.countDown();
        await(gate);
      }
      Supplier<RuntimeException> before = failBefore;
      if (before != null) {
        failBefore = null;
        throw before.get();
      }
      List<RowOutcome> outcomes = w.apply(rows);
      Supplier<Error> after = crashAfter;
      if (after != null) {
        crashAfter = null;
        throw after.get();
      }
      return outcomes;
    }

    @Override
    public boolean writesBatchesAtOnce() {
      return true;
    }

    void delegateInsert(Generation g) {
      delegate().insert(g);
    }
  }

  private static void await(CountDownLatch latch) {
    try {
      if (!latch.await(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the gate never opened");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Nested
  class Batching {
    private final Recording recording = new Recording();
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stopPool() {
      recording.gate.countDown();
      pool.shutdownNow();
    }

    /** Inserts one row per thread, the first alone and held; the rest queue up behind it. */
    private List<Future<?>> insertBehindAHeldWrite(GroupCommitStore store, List<Generation> rows)
        throws Exception {
      recording.holdFirst = true;
      List<Future<?>> results = new ArrayList<>();
      results.add(pool.submit(() -> store.insert(rows.get(0))));
      assertThat(recording.firstWriteStarted.await(30, TimeUnit.SECONDS)).isTrue();
      List<Thread> queued = new CopyOnWriteArrayList<>();
      for (Generation g : rows.subList(1, rows.size())) {
        results.add(
            pool.submit(
                () -> {
                  queued.add(Thread.currentThread());
                  store.insert(g);
                }));
      }
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  queued.size() == rows.size() - 1
                      && queued.stream().allMatch(Batching::waitsForItsBatch));
      recording.gate.countDown();
      return results;
    }

    /** Parked in the batcher, queued for a batch (not merely waiting for its lock). */
    private static boolean waitsForItsBatch(Thread t) {
      if (t.getState() != Thread.State.WAITING) {
        return false;
      }
      for (StackTraceElement frame : t.getStackTrace()) {
        if (frame.getMethodName().equals("awaitUninterruptibly")) {
          return true;
        }
      }
      return false;
    }

    private static List<Generation> rows(int n) {
      List<Generation> rows = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        rows.add(Fixtures.pending(Fixtures.newId(), T0));
      }
      return rows;
    }

    @Test
    void a_lone_caller_writes_at_once_in_a_batch_of_one() {
      GroupCommitStore store = GroupCommitStore.wrap(recording);
      Generation g = Fixtures.pending(Fixtures.newId(), T0);
      store.insert(g);
      assertThat(recording.insertBatches).containsExactly(1);
      assertThat(store.find(g.id())).contains(g);
    }

    @Test
    void callers_arriving_during_a_write_form_the_next_batch() throws Exception {
      GroupCommitStore store = GroupCommitStore.wrap(recording, 100, 1);
      List<Generation> rows = rows(6);
      for (Future<?> f : insertBehindAHeldWrite(store, rows)) {
        f.get(30, TimeUnit.SECONDS);
      }
      assertThat(recording.insertBatches).containsExactly(1, 5);
      for (Generation g : rows) {
        assertThat(store.find(g.id())).contains(g);
      }
    }

    @Test
    void a_batch_holds_at_most_max_batch_rows() throws Exception {
      GroupCommitStore store = GroupCommitStore.wrap(recording, 4, 1);
      for (Future<?> f : insertBehindAHeldWrite(store, rows(11))) {
        f.get(30, TimeUnit.SECONDS);
      }
      assertThat(recording.insertBatches).containsExactly(1, 4, 4, 2);
    }

    @Test
    void a_second_write_goes_in_flight_beside_a_slow_one_and_a_third_waits() throws Exception {
      GroupCommitStore store = GroupCommitStore.wrap(recording, 100, 2);
      recording.holdFirst = true;
      Future<?> slow = pool.submit(() -> store.insert(Fixtures.pending(Fixtures.newId(), T0)));
      assertThat(recording.firstWriteStarted.await(30, TimeUnit.SECONDS)).isTrue();
      Generation beside = Fixtures.pending(Fixtures.newId(), T0);
      store.insert(beside); // not held behind the slow write: there is room for two
      assertThat(store.find(beside.id())).contains(beside);
      assertThat(slow.isDone()).isFalse();
      recording.gate.countDown();
      slow.get(30, TimeUnit.SECONDS);
      assertThat(recording.insertBatches).containsExactly(1, 1);
    }

    @Test
    void a_duplicate_fails_its_own_caller_only() throws Exception {
      GroupCommitStore store = GroupCommitStore.wrap(recording, 100, 1);
      Generation existing = Fixtures.pending(Fixtures.newId(), T0);
      recording.delegateInsert(existing);
      List<Generation> rows = rows(4);
      rows.set(2, existing);
      List<Future<?>> results = insertBehindAHeldWrite(store, rows);
      for (int i = 0; i < results.size(); i++) {
        Future<?> f = results.get(i);
        if (i == 2) {
          assertThatThrownBy(() -> f.get(30, TimeUnit.SECONDS))
              .hasCauseInstanceOf(DuplicateGenerationException.class);
        } else {
          f.get(30, TimeUnit.SECONDS);
          assertThat(store.find(rows.get(i).id())).contains(rows.get(i));
        }
      }
    }

    @Test
    void an_outage_fails_every_caller_of_its_batch_and_the_next_write_goes_through()
        throws Exception {
      GroupCommitStore store = GroupCommitStore.wrap(recording);
      recording.failBefore = () -> new PersistenceException("database down", null, true, null);
      Generation lost = Fixtures.pending(Fixtures.newId(), T0);
      assertThatThrownBy(() -> store.insert(lost))
          .isInstanceOf(PersistenceException.class)
          .hasMessageContaining("database down");
      assertThat(store.find(lost.id())).isEmpty();
      Generation next = Fixtures.pending(Fixtures.newId(), T0);
      store.insert(next);
      assertThat(store.find(next.id())).contains(next);
    }

    @Test
    void a_crash_after_the_commit_loses_no_row_and_leaves_the_batcher_working() throws Exception {
      GroupCommitStore store = GroupCommitStore.wrap(recording);
      recording.crashAfter = () -> new StackOverflowError("simulated crash after the commit");
      Generation committed = Fixtures.pending(Fixtures.newId(), T0);
      assertThatThrownBy(() -> store.insert(committed)).isInstanceOf(StackOverflowError.class);
      assertThat(store.find(committed.id())).contains(committed);
      Generation next = Fixtures.pending(Fixtures.newId(), T0);
      store.insert(next);
      assertThat(store.find(next.id())).contains(next);
    }
  }

  @Test
  void under_many_concurrent_callers_every_row_is_written_once_and_every_caller_released()
      throws Exception {
    for (int inFlight = 1; inFlight <= 3; inFlight++) {
      GenerationStore memory = GenerationStore.inMemory();
      GroupCommitStore store = GroupCommitStore.wrap(memory, 8, inFlight);
      ExecutorService pool = Executors.newFixedThreadPool(16);
      try {
        List<Future<List<Generation>>> workers = new ArrayList<>();
        for (int t = 0; t < 16; t++) {
          workers.add(
              pool.submit(
                  () -> {
                    List<Generation> mine = new ArrayList<>();
                    for (int i = 0; i < 200; i++) {
                      Generation g = Fixtures.pending(Fixtures.newId(), T0);
                      store.insert(g);
                      assertThat(store.finish(Fixtures.complete(g, T0.plusSeconds(1), "end " + i)))
                          .isTrue();
                      mine.add(g);
                    }
                    return mine;
                  }));
        }
        for (Future<List<Generation>> w : workers) {
          for (Generation g : w.get(60, TimeUnit.SECONDS)) {
            assertThat(memory.find(g.id()).orElseThrow().text()).startsWith("end ");
          }
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void a_batch_bound_below_one_is_refused() {
    assertThatThrownBy(() -> GroupCommitStore.wrap(GenerationStore.inMemory(), 0, 1))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> GroupCommitStore.wrap(GenerationStore.inMemory(), 1, 0))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
