package dev.genvault;

import java.time.Duration;
import java.time.Instant;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The generator's periodic work, on a scheduler: the sweep that ends the rows of dead processes
 * (and retries queued terminal rows), and the renewal of this process's in-flight claims.
 */
final class Sweeper implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PersistentGenerator.class);

  private final GeneratorState s;
  private final ScheduledFuture<?> sweeps;
  private final ScheduledFuture<?> renewals;

  Sweeper(GeneratorState s, ScheduledExecutorService scheduler, Duration interval) {
    this.s = s;
    long sweepMillis = Math.max(1, interval.toMillis());
    this.sweeps =
        scheduler.scheduleWithFixedDelay(
            this::sweepQuietly, sweepMillis, sweepMillis, TimeUnit.MILLISECONDS);
    // A claim lives one lease; renew it every quarter lease while its generation runs. Terminal
    // rows waiting in the write queue are retried and kept alive on the same beat.
    long renewMillis = Math.max(10, s.lease.dividedBy(4).toMillis());
    this.renewals =
        scheduler.scheduleWithFixedDelay(
            this::renewQuietly, renewMillis, renewMillis, TimeUnit.MILLISECONDS);
  }

  /**
   * Ends every live row whose heartbeat is older than the lease as {@code error/interrupted},
   * keeping its stored text, and retries terminal rows that could not be written before. Runs on
   * its own schedule; call it to run it now.
   *
   * @return how many stale rows were ended
   */
  int sweep() {
    s.terminals.retryQueued();
    Set<String> queued = s.terminals.queuedIds();
    Instant now = s.now();
    int ended = 0;
    for (Generation stale : s.store.findStale(now.minus(s.lease), 100)) {
      if (s.lives.containsKey(stale.id()) || queued.contains(stale.id())) {
        continue;
      }
      Instant lastSeen = stale.heartbeatAt() != null ? stale.heartbeatAt() : stale.createdAt();
      Generation interrupted =
          stale.toBuilder()
              .error(
                  ErrorType.INTERRUPTED,
                  "no heartbeat since " + lastSeen + ": the process working on it stopped")
              .completedAt(now)
              .updatedAt(now)
              .heartbeatAt(null)
              .build();
      if (s.store.finish(interrupted)) {
        ended++;
        s.budgets.settle(interrupted);
        log.warn(
            "generation {} had no heartbeat since {}; ended as interrupted", stale.id(), lastSeen);
      }
    }
    try {
      s.budgets.reconcile(s.store, now.minus(s.lease));
    } catch (RuntimeException e) {
      log.warn("settling the budget reservations left behind failed: {}", e.toString());
    }
    return ended;
  }

  /** Renews the in-flight claims, and retries and keeps alive the queued terminal rows. */
  void renew() {
    s.cache.renewClaims();
    s.terminals.retryAndKeepAlive(s.now());
  }

  private void renewQuietly() {
    try {
      renew();
    } catch (RuntimeException e) {
      log.warn("renewal failed: {}", e.toString());
    }
  }

  private void sweepQuietly() {
    try {
      sweep();
    } catch (RuntimeException e) {
      log.warn("sweep failed: {}", e.toString());
    }
  }

  /** Stops the periodic work (the scheduler itself belongs to whoever made it). */
  @Override
  public void close() {
    sweeps.cancel(false);
    renewals.cancel(false);
  }
}
