package dev.genvault;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletion of generations with their files and cache entries, and erasure of a user.
 *
 * <p>The order makes a failure part-way safe to repeat: a generation's files and its cache entry go
 * first and its row last, so while anything of it is left its row is still there for the next try
 * to find. A delete of something already gone is not an error.
 */
final class Deletions {
  private static final Logger log = LoggerFactory.getLogger(PersistentGenerator.class);

  /** Rows read per page while erasing. */
  private static final int PAGE = 500;

  /**
   * Passes an erasure makes at most: another process may insert a row of the user while one runs,
   * and the next pass takes it.
   */
  private static final int MAX_PASSES = 5;

  private final GeneratorState s;
  private final Duration endTimeout;

  Deletions(GeneratorState s, Duration endTimeout) {
    this.s = s;
    this.endTimeout = endTimeout;
  }

  /**
   * Deletes a generation: a run of it in this process is cancelled and ends first, then its files,
   * its cached result and its row with its chunks go.
   *
   * @return true if it existed
   */
  boolean delete(String id) {
    Objects.requireNonNull(id, "id");
    LiveGeneration live = s.lives.get(id);
    if (live != null) {
      end(List.of(live));
    }
    Optional<Generation> found = s.store.find(id);
    if (found.isEmpty()) {
      return false;
    }
    forget(found.get());
    return s.store.delete(id);
  }

  /**
   * Erases a user: refuses their new requests in this process while it runs, cancels their
   * generations running here and waits for them to end, then deletes every generation of theirs
   * with its files and cached result, in passes until none is left.
   *
   * @return how many generations were deleted
   */
  int eraseUser(String userId) {
    Objects.requireNonNull(userId, "userId");
    s.erasing.merge(userId, 1, Integer::sum);
    try {
      List<LiveGeneration> running = new ArrayList<>();
      for (LiveGeneration live : s.lives.values()) {
        if (userId.equals(live.request().userId())) {
          running.add(live);
        }
      }
      end(running);
      int deleted = 0;
      for (int pass = 0; pass < MAX_PASSES; pass++) {
        if (!forgetAll(userId)) {
          return deleted;
        }
        deleted += s.store.deleteByUser(userId);
      }
      if (forgetAll(userId)) {
        throw new StillAdding(
            "user "
                + userId
                + " still had generations after "
                + MAX_PASSES
                + " passes (another process keeps adding them); call eraseUser again",
            null,
            true,
            null);
      }
      return deleted;
    } catch (StillAdding e) {
      throw e;
    } catch (RuntimeException e) {
      throw new PersistenceException(
          "erasing user "
              + userId
              + " failed part-way ("
              + e
              + "); what is left is still listed under the user: call eraseUser again",
          e instanceof GenvaultException g ? g.generationId() : null,
          !(e instanceof GenvaultException g) || g.isRetryable(),
          e);
    } finally {
      s.erasing.computeIfPresent(userId, (u, n) -> n == 1 ? null : n - 1);
    }
  }

  /** Another process kept adding generations of the user while the passes ran. */
  private static final class StillAdding extends PersistenceException {
    private static final long serialVersionUID = 1L;

    StillAdding(String message, @Nullable String id, boolean retryable, @Nullable Throwable cause) {
      super(message, id, retryable, cause);
    }
  }

  /**
   * Removes the files and cached results of every stored generation of the user.
   *
   * @return whether the user had any generation
   */
  private boolean forgetAll(String userId) {
    boolean any = false;
    String cursor = null;
    do {
      Page<Generation> page =
          s.store.list(GenerationQuery.builder().userId(userId).limit(PAGE).cursor(cursor).build());
      for (Generation g : page.items()) {
        forget(g);
        any = true;
      }
      cursor = page.nextCursor();
    } while (cursor != null);
    return any;
  }

  /** Removes a generation's files and the cache entry that names it (never its row). */
  private void forget(Generation g) {
    for (BlobRef ref : g.blobs()) {
      s.blobs.delete(ref.key());
    }
    String fingerprint = g.fingerprint();
    if (fingerprint != null && !fingerprint.isEmpty() && s.dedups) {
      s.cache.eraseResult(g.request().tenantId(), fingerprint, g.id());
    }
  }

  /**
   * Cancels generations running in this process and waits up to the timeout for each to write its
   * terminal row. One that does not end in time is deleted all the same: when it ends it finds its
   * row gone and removes what it left (see {@link TerminalWriter}).
   */
  private void end(List<LiveGeneration> running) {
    if (running.isEmpty()) {
      return;
    }
    running.forEach(live -> live.cancel(ErrorType.CANCELLED));
    CompletableFuture<?>[] done =
        running.stream().map(live -> live.done).toArray(CompletableFuture[]::new);
    try {
      CompletableFuture.allOf(done).get(endTimeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PersistenceException(
          "interrupted while waiting for running generations to end", null, true, e);
    } catch (ExecutionException | TimeoutException e) {
      log.warn(
          "{} running generations did not end within {}; their rows are deleted all the same",
          running.stream().filter(live -> !live.done.isDone()).count(),
          endTimeout);
    }
  }
}
