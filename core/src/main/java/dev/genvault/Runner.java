package dev.genvault;

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
    try {
      ModelResult result = client.generate(live);
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
        && Outcomes.isNormalFinish(stored.finishReason())) {
      cache.put(fingerprint, stored.id());
    }
    finishLive(live, stored, fingerprint, claimed, failure);
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
    try {
      original =
          localLeader != null
              ? localLeader.done.get()
              : awaitRemote(Objects.requireNonNull(remoteLeader));
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
                .copyOf(original, live.id(), live.request(), client.provider(), fingerprint, now)
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
    // The generation it waited for failed or vanished: make the call itself (unless the generator
    // is closing: runLeader starts no call then).
    return runLeader(live, client, fingerprint, false);
  }

  /** Waits for a generation of another process to end; null if it does not within two leases. */
  private @Nullable Generation awaitRemote(String id) throws InterruptedException {
    long deadline = System.nanoTime() + s.lease.multipliedBy(2).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        Optional<Generation> g = s.store.find(id);
        if (g.isPresent() && g.get().isTerminal()) {
          return g.get();
        }
      } catch (RuntimeException e) {
        log.debug("waiting for {}: store read failed: {}", id, e.toString());
      }
      s.sleeper.sleep(s.checkpointPolicy.interval());
    }
    return null;
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
    s.inFlight.remove(fingerprint, live);
    if (claimed) {
      cache.release(fingerprint, live.id());
    }
  }
}
