package dev.genvault.tck;

import dev.genvault.spi.GenerationStore;

/**
 * The contract every {@link GenerationStore} keeps. Extend it and implement {@link #createStore()}
 * (a new, empty store per test); override {@link #closeStore} to release it.
 *
 * <pre>{@code
 * class MyStoreTest extends GenerationStoreContract {
 *   protected GenerationStore createStore() { return new MyStore(); }
 * }
 * }</pre>
 *
 * <p>The tests are grouped by behaviour in {@code @Nested} classes: insert and find, deletion and
 * null arguments on single rows; chunks, terminal rows and stale rows on writes; listing and spend
 * on queries; batch writes; threads. The groups are declared in package-private superclasses, one
 * file per family, and JUnit runs every one of them for each subclass.
 */
public abstract class GenerationStoreContract extends StoreThreadsContract {
  /** For subclasses. */
  protected GenerationStoreContract() {}
}
