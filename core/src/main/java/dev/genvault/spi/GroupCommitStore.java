package dev.genvault.spi;

import dev.genvault.Generation;
import java.util.List;
import java.util.Objects;

/**
 * A store decorator that joins concurrent {@link #insert}s into one {@link
 * GenerationStore#insertAll}, and concurrent {@link #finish}es into one {@link
 * GenerationStore#finishAll}: one transaction and one commit for many generations, where the
 * delegate {@linkplain GenerationStore#writesBatchesAtOnce() writes batches at once}.
 *
 * <p>There is no timer. A caller that finds fewer than {@code maxInFlight} batch writes in flight
 * writes at once (alone, if no one else is waiting); callers that arrive while {@code maxInFlight}
 * writes are in flight form the next batch (at most {@code maxBatch} rows), which the oldest of
 * them writes as soon as one of those writes ends. Each caller returns when its own row is durable,
 * with its own outcome: a duplicate ID or a refused value fails that caller alone, and an outage
 * fails every caller of the batch as it would have failed each alone. A caller waits
 * uninterruptibly once its row is queued, since the row is written whatever happens to the caller.
 *
 * <p>A batch of one row goes through the delegate's single call ({@code insert} or {@code finish}),
 * which a store may make cheaper than a transaction (one statement in autocommit).
 *
 * <p>{@code PersistentGenerator} wraps its store in one whenever the store writes batches at once.
 * Every other method is forwarded unchanged. Thread safe if the delegate is.
 */
public final class GroupCommitStore extends ForwardingGenerationStore {
  /** The default bound on rows per batch. */
  public static final int DEFAULT_MAX_BATCH = 100;

  /**
   * The default bound on batch writes in flight at once, for inserts and for finishes each. Below
   * it every caller writes at once, alone, as without group commit; batches form only when more
   * writers than this wait. Measured on a 2-core machine against durable PostgreSQL, 8 kept 8
   * concurrent writers as fast as without group commit and made 32 about 1.2× faster; 2 made 32
   * faster still but slowed 8 (see the benchmarks README).
   */
  public static final int DEFAULT_MAX_IN_FLIGHT = 8;

  private final WriteBatcher inserts;
  private final WriteBatcher finishes;

  private GroupCommitStore(GenerationStore delegate, int maxBatch, int maxInFlight) {
    super(delegate);
    this.inserts = new WriteBatcher(this::insertBatch, maxBatch, maxInFlight);
    this.finishes = new WriteBatcher(this::finishBatch, maxBatch, maxInFlight);
  }

  /**
   * Group commit in batches of at most {@link #DEFAULT_MAX_BATCH} rows, at most {@link
   * #DEFAULT_MAX_IN_FLIGHT} batches in flight.
   */
  public static GroupCommitStore wrap(GenerationStore delegate) {
    return wrap(delegate, DEFAULT_MAX_BATCH, DEFAULT_MAX_IN_FLIGHT);
  }

  /**
   * Group commit in batches of at most {@code maxBatch} rows, at most {@code maxInFlight} batch
   * writes in flight at once (for inserts, and for finishes).
   *
   * @throws IllegalArgumentException if either bound is less than 1
   */
  public static GroupCommitStore wrap(GenerationStore delegate, int maxBatch, int maxInFlight) {
    Objects.requireNonNull(delegate, "delegate");
    if (maxBatch < 1) {
      throw new IllegalArgumentException("maxBatch must be at least 1: " + maxBatch);
    }
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be at least 1: " + maxInFlight);
    }
    return new GroupCommitStore(delegate, maxBatch, maxInFlight);
  }

  @Override
  public void insert(Generation generation) {
    Objects.requireNonNull(generation, "generation");
    inserts.submit(generation).getOrThrow();
  }

  @Override
  public boolean finish(Generation terminal) {
    Objects.requireNonNull(terminal, "terminal");
    return finishes.submit(terminal).getOrThrow();
  }

  /** A batch of one goes through the single call, which a store may make cheaper (autocommit). */
  private List<RowOutcome> insertBatch(List<Generation> rows) {
    if (rows.size() > 1) {
      return delegate().insertAll(rows);
    }
    try {
      delegate().insert(rows.get(0));
      return List.of(RowOutcome.applied());
    } catch (RuntimeException e) {
      return List.of(RowOutcome.failed(e));
    }
  }

  private List<RowOutcome> finishBatch(List<Generation> rows) {
    if (rows.size() > 1) {
      return delegate().finishAll(rows);
    }
    try {
      return List.of(
          delegate().finish(rows.get(0)) ? RowOutcome.applied() : RowOutcome.notApplied());
    } catch (RuntimeException e) {
      return List.of(RowOutcome.failed(e));
    }
  }

  @Override
  public List<RowOutcome> insertAll(List<Generation> generations) {
    return delegate().insertAll(generations);
  }

  @Override
  public List<RowOutcome> finishAll(List<Generation> terminals) {
    return delegate().finishAll(terminals);
  }

  @Override
  public String toString() {
    return "GroupCommitStore(" + delegate() + ")";
  }
}
