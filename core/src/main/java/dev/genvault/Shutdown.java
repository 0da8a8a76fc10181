package dev.genvault;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** How the generator closes: drain what is live, interrupt what is left, stop its threads. */
final class Shutdown {
  private static final Logger log = LoggerFactory.getLogger(PersistentGenerator.class);

  private Shutdown() {}

  /**
   * Waits up to the timeout for live generations to end, then interrupts the rest and ends their
   * rows {@code error/interrupted} with the text so far.
   */
  static void drain(GeneratorState state, Duration drainTimeout) {
    if (!awaitLives(state, drainTimeout)) {
      log.warn(
          "{} generations still running after {}; interrupting them",
          state.lives.size(),
          drainTimeout);
      state.lives.values().forEach(live -> live.cancel(ErrorType.INTERRUPTED));
      awaitLives(state, Duration.ofSeconds(2));
      for (LiveGeneration live : state.lives.values()) {
        state.checkpointer.ending(live); // no chunk write of it outlives the final row
        Generation interrupted =
            state.outcomes.errorRecord(live, ErrorType.INTERRUPTED, "the generator was closed");
        try {
          state.store.finish(interrupted);
        } catch (RuntimeException e) {
          log.error("could not end generation {} on close: {}", live.id(), e.toString());
        }
        state.budgets.settle(interrupted);
        live.finish(interrupted);
      }
    }
  }

  /** Waits until no generation is live (each ends through its own future); false on timeout. */
  private static boolean awaitLives(GeneratorState state, Duration timeout) {
    CompletableFuture<?>[] running =
        state.lives.values().stream().map(live -> live.done).toArray(CompletableFuture[]::new);
    try {
      CompletableFuture.allOf(running).get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException | TimeoutException e) {
      // timed out; the caller interrupts what is left
    }
    return state.lives.isEmpty();
  }

  /**
   * Stops the periodic work first (so no sweep takes a queued row while the queue is flushed),
   * flushes the queued terminal rows, stops the checkpointer and the executors the generator made.
   */
  static void stopThreads(
      GeneratorState state,
      @Nullable Sweeper sweeper,
      @Nullable ExecutorService ownedScheduler,
      @Nullable ExecutorService ownedExecutor) {
    if (sweeper != null) {
      sweeper.close();
    }
    stop(ownedScheduler);
    state.terminals.flush();
    state.checkpointer.close();
    stop(ownedExecutor);
  }

  /** Shuts down an executor the generator made. */
  static void stop(@Nullable ExecutorService executor) {
    if (executor == null) {
      return;
    }
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ---------------------------------------------------------------- builder

}
