package dev.genvault.tck;

import dev.genvault.Generation;
import dev.genvault.spi.GenerationStore;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The store under test and what every group of {@link GenerationStoreContract} shares: a new store
 * per test, released after it, and helpers. Not API: extend {@link GenerationStoreContract}.
 */
abstract class StoreContractSupport {
  /** The store under test. */
  protected GenerationStore store;

  /** A new, empty store. Called before each test. */
  protected abstract GenerationStore createStore() throws Exception;

  /** Releases the store after each test; does nothing by default. */
  protected void closeStore(GenerationStore store) throws Exception {}

  @BeforeEach
  void setUpStore() throws Exception {
    store = createStore();
  }

  @AfterEach
  void tearDownStore() throws Exception {
    closeStore(store);
  }

  /** Inserts a new pending row created at {@code at}. */
  final Generation insertPending(Instant at) {
    Generation g = Fixtures.pending(Fixtures.newId(), at);
    store.insert(g);
    return g;
  }

  /** Runs {@code task} on {@code threads} threads at once and returns what each returned. */
  static List<Generation> runConcurrently(int threads, Callable<Generation> task) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<Generation>> futures = new ArrayList<>();
      for (int i = 0; i < threads; i++) {
        futures.add(pool.submit(task));
      }
      List<Generation> results = new ArrayList<>();
      for (Future<Generation> f : futures) {
        results.add(f.get(30, TimeUnit.SECONDS));
      }
      return results;
    } finally {
      pool.shutdownNow();
    }
  }
}
