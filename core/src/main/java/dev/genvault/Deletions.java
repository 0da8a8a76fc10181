package dev.genvault;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
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

  /** The longest wait between listings while another process's run of the user goes on. */
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(1);

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
    try {
      Optional<Generation> found = s.store.find(id);
      if (found.isEmpty()) {
        return false;
      }
      forget(found.get());
      return s.store.delete(id);
    } catch (PersistenceException e) {
      throw e;
    } catch (RuntimeException e) {
      throw new PersistenceException(
          "deleting generation " + id + " failed part-way (" + e + "); call delete again",
          id,
          true,
          e);
    }
  }

  /**
   * Erases a user: refuses their new requests in this process while it runs (after the ones under
   * way are admitted), cancels their generations running here and waits for them to end, then
   * removes the files and cache entries of every generation of theirs and deletes the rows.
   *
   * <p>Rows another process is still running have no files recorded yet: their end is waited for
   * (up to the timeout), so their files are listed and removed too. A row deleted while its process
   * still runs it is cleaned up by that process when it ends (see {@link TerminalWriter}). The rows
   * are deleted right after a listing that found nothing new to remove, so that a generation ending
   * in between is unlikely; one that does is taken by the next pass.
   *
   * @return how many generations were deleted
   */
  int eraseUser(String userId) {
    Objects.requireNonNull(userId, "userId");
    s.erasing.merge(userId, 1, Integer::sum);
    try {
      long deadline = System.nanoTime() + endTimeout.toNanos();
      awaitAdmissions(userId, deadline);
      List<LiveGeneration> running = new ArrayList<>();
      for (LiveGeneration live : s.lives.values()) {
        if (userId.equals(live.request().userId())) {
          running.add(live);
        }
      }
      end(running);
      Set<String> forgotten = new HashSet<>();
      Duration backoff = Duration.ofMillis(20);
      int deleted = 0;
      int deletes = 0;
      while (true) {
        Listing listed = forgetAll(userId, forgotten);
        if (listed.rows() == 0) {
          return deleted;
        }
        if (listed.live() > 0 && System.nanoTime() < deadline) {
          sleep(backoff); // another process's run: its files are known when it ends
          backoff =
              backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
                  ? MAX_BACKOFF
                  : backoff.multipliedBy(2);
          continue;
        }
        if (listed.forgotten() > 0) {
          continue; // list once more, then delete at once: nothing new may end in between
        }
        if (deletes++ == MAX_PASSES) {
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
        deleted += s.store.deleteByUser(userId);
      }
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

  /** Waits (up to the deadline) for admissions of the user that began before the erasure. */
  private void awaitAdmissions(String userId, long deadline) {
    while (s.admitting.containsKey(userId) && System.nanoTime() < deadline) {
      sleep(Duration.ofMillis(1));
    }
  }

  private void sleep(Duration d) {
    try {
      s.sleeper.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new PersistenceException("interrupted while erasing", null, true, e);
    }
  }

  /** Another process kept adding generations of the user while the passes ran. */
  private static final class StillAdding extends PersistenceException {
    private static final long serialVersionUID = 1L;

    StillAdding(String message, @Nullable String id, boolean retryable, @Nullable Throwable cause) {
      super(message, id, retryable, cause);
    }
  }

  /** What one listing of the user's rows found. */
  private record Listing(int rows, int live, int forgotten) {}

  /**
   * Removes the files and cached results of every ended generation of the user not removed yet
   * ({@code forgotten} holds their IDs).
   */
  private Listing forgetAll(String userId, Set<String> forgotten) {
    int rows = 0;
    int live = 0;
    int newly = 0;
    String cursor = null;
    do {
      Page<Generation> page =
          s.store.list(GenerationQuery.builder().userId(userId).limit(PAGE).cursor(cursor).build());
      for (Generation g : page.items()) {
        rows++;
        if (!g.isTerminal()) {
          live++;
        } else if (!forgotten.contains(g.id())) {
          forget(g);
          forgotten.add(g.id());
          newly++;
        }
      }
      cursor = page.nextCursor();
    } while (cursor != null);
    return new Listing(rows, live, newly);
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
