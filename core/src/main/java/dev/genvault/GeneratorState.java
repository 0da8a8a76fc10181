package dev.genvault;

import dev.genvault.spi.BlobStore;
import dev.genvault.spi.DedupCache;
import dev.genvault.spi.GenerationStore;
import dev.genvault.spi.GroupCommitStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * What the generator's collaborators share: the SPIs, the settings, and the generations live in
 * this process. Immutable but for the two maps.
 */
final class GeneratorState {
  final GenerationStore store;
  final BlobStore blobs;
  final FailOpenCache cache;
  final IdGenerator ids;
  final Clock clock;
  final Sleeper sleeper;
  final Executor executor;
  final CheckpointPolicy checkpointPolicy;
  final Listeners listener;
  final CacheScope cacheScope;
  final Duration lease;
  final long maxInputChars;
  final Checkpointer checkpointer;
  final TerminalWriter terminals;
  final Outcomes outcomes;
  final BudgetKeeper budgets;

  /**
   * Whether requests are deduplicated: false with {@link DedupCache#none()}, where no fingerprint
   * is computed (it hashes the whole request) and identical requests are not joined.
   */
  final boolean dedups;

  /** Generations running in this process, by ID. */
  final ConcurrentHashMap<String, LiveGeneration> lives = new ConcurrentHashMap<>();

  /**
   * Users being erased in this process, each with how many erasures of theirs are running: their
   * new requests are refused until the erasure ends.
   */
  final ConcurrentHashMap<String, Integer> erasing = new ConcurrentHashMap<>();

  /** Users with admissions under way in this process, each with how many (see Admitter). */
  final ConcurrentHashMap<String, Integer> admitting = new ConcurrentHashMap<>();

  /** Set when the generator starts closing: no new work, and no new provider call. */
  final AtomicBoolean closed = new AtomicBoolean();

  /** Leaders running in this process, by fingerprint (single flight). */
  final ConcurrentHashMap<String, LiveGeneration> inFlight = new ConcurrentHashMap<>();

  GeneratorState(
      GenerationStore store,
      BlobStore blobs,
      FailOpenCache cache,
      IdGenerator ids,
      Clock clock,
      Sleeper sleeper,
      Executor executor,
      CheckpointPolicy checkpointPolicy,
      Listeners listener,
      CacheScope cacheScope,
      Duration lease,
      long maxInputChars,
      Checkpointer checkpointer,
      TerminalWriter terminals,
      Outcomes outcomes,
      BudgetKeeper budgets) {
    this.budgets = budgets;
    this.store = store;
    this.blobs = blobs;
    this.cache = cache;
    this.ids = ids;
    this.clock = clock;
    this.sleeper = sleeper;
    this.executor = executor;
    this.checkpointPolicy = checkpointPolicy;
    this.listener = listener;
    this.cacheScope = cacheScope;
    this.lease = lease;
    this.maxInputChars = maxInputChars;
    this.checkpointer = checkpointer;
    this.terminals = terminals;
    this.outcomes = outcomes;
    this.dedups = cache.dedups();
  }

  /** The state of a generator built by {@code b}, running its work on {@code executor}. */
  static GeneratorState of(PersistentGenerator.Builder b, Executor executor) {
    GenerationStore given = Objects.requireNonNull(b.store);
    // Group commit wherever it saves commits: concurrent pending and terminal rows in one batch.
    GenerationStore store =
        RecentThreads.wrap(
            given.writesBatchesAtOnce() && !(given instanceof GroupCommitStore)
                ? GroupCommitStore.wrap(given)
                : given);
    // Whole microseconds everywhere: the precision every store keeps, so records round-trip.
    Clock clock = Clock.tick(b.clock == null ? Clock.systemUTC() : b.clock, Duration.ofNanos(1000));
    Sleeper sleeper = b.sleeper == null ? Sleeper.SYSTEM : b.sleeper;
    BlobStore blobs = b.blobs == null ? NoBlobStore.INSTANCE : b.blobs;
    Listeners listener = new Listeners(b.listener);
    DedupCache cache = b.cache == null ? DedupCache.caffeine(10_000) : b.cache;
    Checkpointer checkpointer =
        new Checkpointer(store, clock, b.checkpointPolicy, b.lease.dividedBy(4), listener);
    BudgetKeeper budgets = new BudgetKeeper(b.budgets, b.costs);
    return new GeneratorState(
        store,
        blobs,
        new FailOpenCache(cache, b.cacheTtl, b.lease),
        b.ids == null ? IdGenerator.nanoid() : b.ids,
        clock,
        sleeper,
        executor,
        b.checkpointPolicy,
        listener,
        b.cacheScope,
        b.lease,
        b.maxInputChars,
        checkpointer,
        new TerminalWriter(store, blobs, checkpointer, sleeper, b.persistTimeout, budgets),
        new Outcomes(clock, blobs, b.costs),
        budgets);
  }

  Instant now() {
    return clock.instant();
  }
}
