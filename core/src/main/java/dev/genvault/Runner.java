package dev.genvault;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Steps 5–8 of a generation: a leader calls the client and writes the terminal row; a joiner waits
 * for an identical generation (in this process or another) and copies its result, or leads itself
 * if that one failed. Either way the row ends terminal and the in-flight slot is released.
 */
final class Runner {
  private static final Logger log = LoggerFactory.getLogger(PersistentGenerator.class);

  private final GeneratorState s;
  private final FailOpenCache cache;
  private final Outcomes outcomes;
  private final TerminalWriter terminals;

  Runner(GeneratorState s) {
    this.s = s;
    this.cache = s.cache;
    this.outcomes = s.outcomes;
    this.terminals = s.terminals;
  }

  void launch(Admission admission) {
    try {
      s.executor.execute(admission::runQuietly);
    } catch (RejectedExecutionException e) {
      LiveGeneration live = admission.live;
      Generation failed =
          outcomes.errorRecord(live, ErrorType.INTERRUPTED, "the executor refused the work");
      finishLive(
          live, terminals.persist(failed, live), admission.fingerprint, admission.claimed, e);
      throw new GenvaultException(
          "generation " + live.id() + " could not start: the executor refused", live.id(), e);
    }
  }

  Generation runLeader(
      LiveGeneration live, ModelClient client, String fingerprint, boolean claimed) {
    return runLeader(live, client, fingerprint, claimed, live.pending.createdAt());
  }

  /**
   * Calls the client and writes the terminal row; {@code ready} is when the generator began to work
   * toward the call: the generation's creation, or the end of a wait for an identical generation.
   */
  private Generation runLeader(
      LiveGeneration live, ModelClient client, String fingerprint, boolean claimed, Instant ready) {
    if (s.closed.get() || live.cancelReason() != null) {
      // Stopped (by close() or a cancel) before it ran, e.g. while queued on an executor of the
      // caller's: no provider call starts now.
      ErrorType why = live.cancelReason() != null ? live.cancelReason() : ErrorType.INTERRUPTED;
      Generation stopped =
          outcomes.errorRecord(live, why, "stopped before the provider was called");
      Generation stored = terminals.persist(stopped, live);
      finishLive(live, stored, fingerprint, claimed, null);
      return stored;
    }
    live.worker(Thread.currentThread());
    s.checkpointer.register(live);
    Generation terminal;
    Throwable failure = null;
    Instant callStart = s.now();
    Instant callEnd = callStart;
    try {
      ModelResult result;
      try {
        result = client.generate(live);
      } finally {
        callEnd = s.now();
      }
      if (live.cancelReason() != null) {
        throw new ProviderException(
            live.cancelReason(), "generation " + live.id() + " was stopped");
      }
      if (result == null) {
        throw new ProviderException(ErrorType.INVALID_RESPONSE, "the client returned no result");
      }
      terminal = outcomes.completeRecord(live, result);
    } catch (Throwable t) {
      failure = t;
      terminal = outcomes.errorRecord(live, Outcomes.classify(live, t), Outcomes.describe(t));
      if (t instanceof Error
          && !(t instanceof StackOverflowError)
          && !(t instanceof LinkageError)) {
        live.worker(null);
        finishLive(live, terminals.persist(terminal, live), fingerprint, claimed, t);
        throw (Error) t;
      }
    } finally {
      live.worker(null);
      if (live.cancelReason() != null) {
        Thread.interrupted(); // our own cancellation interrupt; do not leak it to the caller
      }
    }
    live.failure = failure;
    Generation stored = terminals.persist(terminal, live);
    // Cache before the in-flight slot is released and readers see the end, so an identical
    // request arriving right after always finds one or the other.
    if (stored.status() == GenerationStatus.COMPLETE
        && Outcomes.isNormalFinish(stored.finishReason())
        && s.dedups
        && !fingerprint.equals(Admitter.NO_FINGERPRINT)
        && !live.gone) {
      cache.put(live.request().tenantId(), fingerprint, stored.id());
    }
    Instant written = s.now();
    finishLive(live, stored, fingerprint, claimed, failure);
    s.listener.added(
        stored,
        nonNegative(Duration.between(ready, callStart)),
        nonNegative(Duration.between(callEnd, written)));
    if (failure instanceof InterruptedException && live.cancelReason() == null) {
      // The caller's thread was interrupted: the row is written, now keep the interrupt visible.
      Thread.currentThread().interrupt();
    }
    return stored;
  }

  Generation runJoiner(
      LiveGeneration live,
      ModelClient client,
      @Nullable LiveGeneration localLeader,
      @Nullable String remoteLeader,
      String fingerprint) {
    s.checkpointer.register(live); // for heartbeats while it waits
    live.worker(Thread.currentThread()); // so that close() can interrupt the wait
    Generation original = null;
    boolean takenOver = false;
    try {
      if (localLeader != null) {
        original = localLeader.done.get();
      } else {
        RemoteWait wait = awaitRemote(live, fingerprint, Objects.requireNonNull(remoteLeader));
        original = wait.original();
        takenOver = wait.takenOver();
      }
    } catch (InterruptedException e) {
      live.worker(null);
      Thread.interrupted();
      Generation failed =
          outcomes.errorRecord(
              live, ErrorType.INTERRUPTED, "interrupted while waiting for an identical generation");
      finishLive(live, terminals.persist(failed, live), fingerprint, false, e);
      return failed;
    } catch (ExecutionException e) {
      original = null;
    }
    live.worker(null);
    if (live.cancelReason() != null) {
      Thread.interrupted();
      Generation stopped =
          outcomes.errorRecord(
              live, live.cancelReason(), "stopped while waiting for an identical generation");
      Generation stored = terminals.persist(stopped, live);
      finishLive(live, stored, fingerprint, false, null);
      return stored;
    }
    if (original != null && original.status() == GenerationStatus.COMPLETE) {
      Instant now = s.now();
      Generation copy;
      try {
        copy =
            outcomes
                .copyOf(
                    original,
                    live.id(),
                    live.request(),
                    client.provider(),
                    fingerprint,
                    now,
                    live.pending.link())
                .toBuilder()
                .createdAt(live.pending.createdAt())
                .build();
      } catch (RuntimeException e) {
        Generation failed =
            outcomes.errorRecord(live, ErrorType.BLOB_UPLOAD_FAILED, Outcomes.describe(e));
        Generation stored = terminals.persist(failed, live);
        finishLive(live, stored, fingerprint, false, e);
        return stored;
      }
      live.appendFinal(copy.text());
      Generation stored = terminals.persist(copy, live);
      finishLive(live, stored, fingerprint, false, null);
      s.listener.cacheHit(stored, original.id());
      return stored;
    }
    // The generation it waited for failed or vanished, or its process died and this one took its
    // claim over: make the call itself (unless the generator is closing: runLeader starts no call
    // then).
    return runLeader(live, client, fingerprint, takenOver, s.now());
  }

  /** What waiting for another process's generation came to. */
  private record RemoteWait(@Nullable Generation original, boolean takenOver) {}

  /**
   * Waits for a generation of another process to end: woken by the cache when its claim is released
   * (if the cache can tell), polling the store otherwise. If the claim lapses while the generation
   * is unfinished (its process died), one waiter takes the claim over and the others follow that
   * one. Gives up after two leases in all, and runs the request unclaimed.
   */
  private RemoteWait awaitRemote(LiveGeneration live, String fingerprint, String firstLeader)
      throws InterruptedException {
    String tenant = live.request().tenantId();
    String leader = firstLeader;
    Duration interval = s.checkpointPolicy.interval();
    long deadline = System.nanoTime() + s.lease.multipliedBy(2).toNanos();
    while (System.nanoTime() < deadline) {
      Generation ended = terminalRow(leader);
      if (ended != null) {
        return new RemoteWait(ended, false);
      }
      Optional<String> holder = cache.inFlight(tenant, fingerprint);
      if (holder.isPresent()) {
        leader = holder.get(); // the same leader, or a waiter that took its claim over
      } else {
        // Released or lapsed: the leader ended between the two reads, or a successor this waiter
        // never saw took over and ended (both cache their result before releasing), or the
        // leader's process died.
        ended = terminalRow(leader);
        if (ended == null) {
          ended = cache.result(tenant, fingerprint).map(this::terminalRow).orElse(null);
        }
        if (ended != null) {
          return new RemoteWait(ended, false);
        }
        if (cache.claim(tenant, fingerprint, live.id())) {
          log.info("generation {} takes over the lapsed claim of {}", live.id(), leader);
          return new RemoteWait(null, true);
        }
      }
      if (!cache.awaitRelease(tenant, fingerprint, leader, interval)) {
        s.sleeper.sleep(interval);
      }
    }
    return new RemoteWait(null, false);
  }

  /**
   * The row of a generation if it has ended; null while it runs, if absent or unreadable. Polled
   * through the status alone (a store's cheap read); the whole record is read once, at the end.
   */
  private @Nullable Generation terminalRow(String id) {
    try {
      if (!s.store.status(id).map(GenerationStatus::isTerminal).orElse(false)) {
        return null;
      }
      Optional<Generation> g = s.store.find(id);
      return g.isPresent() && g.get().isTerminal() ? g.get() : null;
    } catch (RuntimeException e) {
      log.debug("waiting for {}: store read failed: {}", id, e.toString());
      return null;
    }
  }

  void finishLive(
      LiveGeneration live,
      Generation terminal,
      String fingerprint,
      boolean claimed,
      @Nullable Throwable failure) {
    s.checkpointer.unregister(live);
    s.lives.remove(live.id(), live);
    releaseFlight(fingerprint, live, claimed);
    live.finish(terminal);
    if (terminal.status() == GenerationStatus.COMPLETE) {
      s.listener.completed(terminal);
    } else {
      s.listener.failed(
          terminal,
          failure != null
              ? failure
              : new GenvaultException(
                  String.valueOf(terminal.errorMessage()), terminal.id(), null));
    }
  }

  void releaseFlight(String fingerprint, LiveGeneration live, boolean claimed) {
    if (s.dedups) {
      s.inFlight.remove(fingerprint, live);
    }
    if (claimed) {
      cache.release(live.request().tenantId(), fingerprint, live.id());
    }
  }

  private static Duration nonNegative(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
  }
}
