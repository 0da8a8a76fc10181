package dev.genvault;

import dev.genvault.spi.BlobStore;
import dev.genvault.spi.GenerationStore;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes terminal rows: retries a store outage for the persist timeout, never retries a write the
 * store refuses for good, and keeps what it could not write in a queue that the sweeper retries and
 * {@link #flush()} tries once more at shutdown.
 */
final class TerminalWriter {
  private static final Logger log = LoggerFactory.getLogger(PersistentGenerator.class);

  private final GenerationStore store;
  private final BlobStore blobs;
  private final Checkpointer checkpointer;
  private final Sleeper sleeper;
  private final Duration persistTimeout;
  private final Queue<Generation> unpersisted = new ConcurrentLinkedQueue<>();
  private final BudgetKeeper budgets;

  TerminalWriter(
      GenerationStore store,
      BlobStore blobs,
      Checkpointer checkpointer,
      Sleeper sleeper,
      Duration persistTimeout,
      BudgetKeeper budgets) {
    this.budgets = budgets;
    this.store = store;
    this.blobs = blobs;
    this.checkpointer = checkpointer;
    this.sleeper = sleeper;
    this.persistTimeout = persistTimeout;
  }

  /**
   * Writes a terminal row and returns what the store holds: the row itself, or a row made terminal
   * first by someone else (e.g. shutdown), which wins. A store outage (a retryable failure) is
   * retried for up to the persist timeout; after that the row is queued for the sweeper to write,
   * and the caller is given an {@code error/persistence_failed} record, never {@code complete} for
   * a row that is not. A write that the store refuses for good is not retried: the row is ended as
   * {@code error/persistence_failed} with its text, usage and cost instead (see {@link
   * #persistFallback}). The failure is kept on {@code live} for the caller's exception.
   */
  Generation persist(Generation terminal, LiveGeneration live) {
    try {
      return persistOnce(terminal, live);
    } finally {
      // What the call cost was spent, whether or not its row could be written.
      budgets.settle(terminal);
    }
  }

  private Generation persistOnce(Generation terminal, LiveGeneration live) {
    long deadline = System.nanoTime() + persistTimeout.toNanos();
    checkpointer.ending(live);
    Duration backoff = Duration.ofMillis(25);
    while (true) {
      try {
        return finishOnce(terminal, live);
      } catch (RuntimeException e) {
        if (!isRetryable(e)) {
          keepFailure(live, e);
          return persistFallback(terminal, e, live);
        }
        if (System.nanoTime() >= deadline) {
          return queueUnwritten(
              terminal, live, e, "could not be written for " + persistTimeout + " (" + e + ")");
        }
        try {
          sleeper.sleep(backoff);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return queueUnwritten(terminal, live, e, "could not be written before an interrupt");
        }
        backoff =
            backoff.multipliedBy(2).compareTo(Duration.ofSeconds(2)) > 0
                ? Duration.ofSeconds(2)
                : backoff.multipliedBy(2);
      }
    }
  }

  private static boolean isRetryable(RuntimeException e) {
    return !(e instanceof GenvaultException) || ((GenvaultException) e).isRetryable();
  }

  private static void keepFailure(LiveGeneration live, Throwable e) {
    if (live.failure == null) {
      live.failure = e;
    }
  }

  /** One terminal write; what the store holds afterwards. */
  private Generation finishOnce(Generation terminal, LiveGeneration live) {
    if (store.finish(terminal)) {
      return terminal;
    }
    Optional<Generation> stored = store.find(terminal.id());
    if (stored.isPresent() && stored.get().isTerminal()) {
      Generation winner = stored.get();
      if (winner.status() != terminal.status()
          || winner.text().length() != terminal.text().length()) {
        log.warn(
            "generation {} was already ended as {} (by a sweeper or shutdown, e.g. during a"
                + " store outage); its own outcome, {} with {} characters, was not written",
            terminal.id(),
            winner.errorType() == null ? winner.status().wireName() : winner.errorType().wireName(),
            terminal.status().wireName(),
            terminal.text().length());
      }
      return winner;
    }
    if (stored.isEmpty()) {
      live.gone = true;
      removeLeftovers(terminal);
    }
    return terminal;
  }

  /**
   * The row of a generation that was still running is gone: it was deleted or its user erased
   * meanwhile, possibly by another process. What the run left behind without a row (the files it
   * stored, the chunks checkpointed after the delete) is removed, so nothing of it outlives the
   * delete. Failures are logged: without a row nothing can reach what is left.
   */
  private void removeLeftovers(Generation terminal) {
    log.info(
        "generation {} was deleted while it ran (erasure?); its {} files and its chunks are removed"
            + " too",
        terminal.id(),
        terminal.blobs().size());
    for (BlobRef ref : terminal.blobs()) {
      try {
        blobs.delete(ref.key());
      } catch (RuntimeException e) {
        log.warn(
            "could not delete file {} of deleted generation {}; it has no row and stays: {}",
            ref.key(),
            terminal.id(),
            e.toString());
      }
    }
    try {
      store.delete(terminal.id());
    } catch (RuntimeException e) {
      log.warn(
          "could not delete the chunks of deleted generation {}: {}", terminal.id(), e.toString());
    }
  }

  /**
   * The store keeps failing: the terminal row stays queued in memory and the sweeper retries it (a
   * stale row with a queued terminal is not swept as interrupted). The caller gets {@code
   * error/persistence_failed} with the whole text, since its row is not written yet.
   */
  private Generation queueUnwritten(
      Generation terminal, LiveGeneration live, RuntimeException e, String why) {
    log.error(
        "the terminal row of generation {} {}; it is kept in memory and retried",
        terminal.id(),
        why);
    unpersisted.add(terminal);
    keepFailure(live, e);
    if (terminal.status() != GenerationStatus.COMPLETE) {
      return terminal;
    }
    return terminal.toBuilder()
        .error(
            ErrorType.PERSISTENCE_FAILED,
            "the result "
                + why
                + "; it is kept in memory and retried, so the row may still become complete")
        .build();
  }

  /**
   * A terminal write the store refused for good (a value it cannot hold, a constraint): ends the
   * row as {@code error/persistence_failed} without the provider-chosen values, keeping text,
   * usage, cost and files; failing that, without the text too. The record returned always has the
   * whole text, for the caller.
   */
  private Generation persistFallback(
      Generation terminal, RuntimeException cause, LiveGeneration live) {
    String message = "the result could not be stored: " + Outcomes.describe(cause);
    Usage usage = terminal.usage();
    Generation fallback =
        terminal.toBuilder()
            .error(ErrorType.PERSISTENCE_FAILED, message)
            .providerModel(null)
            .providerResponseId(null)
            .finishReason(null)
            .toolCalls(null)
            .attributes(Map.of())
            .usage(usage == null ? null : usage.toBuilder().raw(Map.of()).build())
            .build();
    log.error(
        "generation {}: the store refused its terminal row for good, so it is ended as"
            + " persistence_failed: {}",
        terminal.id(),
        cause.toString());
    List<Generation> attempts =
        List.of(
            fallback,
            fallback.toBuilder()
                .text("")
                .error(ErrorType.PERSISTENCE_FAILED, message + " (its text is not stored either)")
                .build());
    for (Generation attempt : attempts) {
      try {
        Generation stored = finishOnce(attempt, live);
        return stored != attempt
            ? stored // ended first by someone else (shutdown, a sweeper)
            : fallback.toBuilder()
                .error(ErrorType.PERSISTENCE_FAILED, String.valueOf(attempt.errorMessage()))
                .build();
      } catch (RuntimeException again) {
        log.error(
            "generation {}: ending it as persistence_failed failed too: {}",
            terminal.id(),
            again.toString());
      }
    }
    return fallback;
  }

  /** Retries each queued terminal row once; those that fail again stay queued. */
  void retryQueued() {
    for (int i = unpersisted.size(); i > 0; i--) {
      Generation terminal = unpersisted.poll();
      if (terminal == null) {
        break;
      }
      try {
        if (!store.finish(terminal)) {
          if (store.status(terminal.id()).isEmpty()) {
            removeLeftovers(terminal);
            continue;
          }
          log.error(
              "generation {}: its queued terminal row ({}, {} characters) was not written: the"
                  + " row was already ended (by another process's sweeper?) or is gone",
              terminal.id(),
              terminal.status().wireName(),
              terminal.text().length());
        }
      } catch (RuntimeException e) {
        unpersisted.add(terminal);
      }
    }
  }

  /**
   * Retries the queued rows, and sends the heartbeat of those still unwritten, so that no sweeper,
   * of this process or another, ends them as interrupted while they wait. Runs every quarter lease.
   */
  void retryAndKeepAlive(Instant now) {
    if (unpersisted.isEmpty()) {
      return;
    }
    retryQueued();
    Set<String> waiting = queuedIds();
    if (!waiting.isEmpty()) {
      try {
        store.heartbeat(waiting, now);
      } catch (RuntimeException e) {
        log.debug("heartbeat of {} queued terminal rows failed: {}", waiting.size(), e.toString());
      }
    }
  }

  /** The IDs of the generations whose terminal row is queued (the sweeper leaves them alone). */
  Set<String> queuedIds() {
    Set<String> queued = new HashSet<>();
    unpersisted.forEach(g -> queued.add(g.id()));
    return queued;
  }

  /** At shutdown: one last try for each queued row; what still fails is logged. */
  void flush() {
    for (Generation queued; (queued = unpersisted.poll()) != null; ) {
      try {
        store.finish(queued);
      } catch (RuntimeException e) {
        log.error(
            "the terminal row of generation {} could not be written before close; the row will be"
                + " swept as interrupted: {}",
            queued.id(),
            e.toString());
      }
    }
  }
}
