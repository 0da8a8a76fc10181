package dev.genvault;

import static org.assertj.core.api.Assertions.assertThat;

import dev.genvault.spi.ForwardingGenerationStore;
import dev.genvault.spi.GenerationStore;
import dev.genvault.spi.GroupCommitStore;
import dev.genvault.spi.RowOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The generator writes through group commit exactly when its store writes batches at once. */
class GroupCommitWiringTest {
  /**
   * Counts the pending and terminal rows written, and how many of them came through group commit;
   * says it batches when told to.
   */
  static final class Counting extends ForwardingGenerationStore {
    final AtomicInteger rows = new AtomicInteger();
    final AtomicInteger viaGroupCommit = new AtomicInteger();
    private final boolean batches;

    Counting(boolean batches) {
      super(GenerationStore.inMemory());
      this.batches = batches;
    }

    private void count(int n) {
      rows.addAndGet(n);
      boolean grouped =
          StackWalker.getInstance()
              .walk(
                  frames ->
                      frames.anyMatch(
                          f -> f.getClassName().equals(GroupCommitStore.class.getName())));
      if (grouped) {
        viaGroupCommit.addAndGet(n);
      }
    }

    @Override
    public void insert(Generation generation) {
      count(1);
      super.insert(generation);
    }

    @Override
    public boolean finish(Generation terminal) {
      count(1);
      return super.finish(terminal);
    }

    @Override
    public List<RowOutcome> insertAll(List<Generation> generations) {
      count(generations.size());
      return super.insertAll(generations);
    }

    @Override
    public List<RowOutcome> finishAll(List<Generation> terminals) {
      count(terminals.size());
      return super.finishAll(terminals);
    }

    @Override
    public boolean writesBatchesAtOnce() {
      return batches;
    }
  }

  private static List<Generation> generateConcurrently(GenerationStore store, int n)
      throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try (PersistentGenerator genvault =
        PersistentGenerator.builder()
            .store(store)
            .checkpointPolicy(new CheckpointPolicy(Duration.ofMillis(20), 64))
            .build()) {
      List<Future<Generation>> futures = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        GenerationRequest request =
            GenerationRequest.builder().model("m").prompt("question " + i).build();
        futures.add(pool.submit(() -> genvault.generate(request, ScriptedClient.emitting("a"))));
      }
      List<Generation> done = new ArrayList<>();
      for (Future<Generation> f : futures) {
        done.add(f.get(30, TimeUnit.SECONDS));
      }
      return done;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void a_store_that_writes_batches_at_once_gets_every_pending_and_terminal_row_in_batches()
      throws Exception {
    Counting store = new Counting(true);
    List<Generation> done = generateConcurrently(store, 20);
    assertThat(done).allMatch(g -> g.status() == GenerationStatus.COMPLETE);
    // Every pending and terminal row went through group commit, none around it.
    assertThat(store.rows).hasValue(40);
    assertThat(store.viaGroupCommit).hasValue(40);
    for (Generation g : done) {
      assertThat(store.find(g.id())).contains(g);
    }
  }

  @Test
  void any_other_store_is_written_row_by_row() throws Exception {
    Counting store = new Counting(false);
    generateConcurrently(store, 5);
    assertThat(store.rows).hasValue(10);
    assertThat(store.viaGroupCommit).hasValue(0);
  }
}
