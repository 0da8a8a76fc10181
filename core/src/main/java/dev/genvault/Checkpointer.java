package dev.genvault;

import dev.genvault.spi.Chunk;
import dev.genvault.spi.GenerationStore;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One thread that writes the new text of every live generation in one store call per tick: at most
 * every {@link CheckpointPolicy#interval()}, sooner when a generation has buffered {@link
 * CheckpointPolicy#maxDeltas()} deltas. A failed write keeps its chunks for the next tick, so an
 * outage delays text but never loses or reorders it. Also sends the heartbeats of live generations
 * that had no new text.
 *
 * <p>Ticks run at a fixed rate on a monotonic clock: each is due one interval after the previous
 * one was due, not one interval after the previous write ended, so the time a write takes never
 * stretches the interval. A write that overruns an interval is followed by the next tick at once.
 */
final class Checkpointer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Checkpointer.class);

  private final GenerationStore store;
  private final Clock clock;
  private final CheckpointPolicy policy;
  private final Duration heartbeatInterval;
  private final Listeners listener;
  private final Set<LiveGeneration> live = ConcurrentHashMap.newKeySet();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition wake = lock.newCondition();
  private final Timer timer;
  private final Thread thread;
  private boolean wakeRequested;
  private volatile boolean running = true;
  private Instant lastHeartbeat;
  private long failuresInARow;

  Checkpointer(
      GenerationStore store,
      Clock clock,
      CheckpointPolicy policy,
      Duration heartbeatInterval,
      Listeners listener) {
    this(store, clock, policy, heartbeatInterval, listener, Timer.SYSTEM);
    thread.start();
  }

  /** A checkpointer on the given timer whose thread is not started: tests drive {@link #loop}. */
  Checkpointer(
      GenerationStore store,
      Clock clock,
      CheckpointPolicy policy,
      Duration heartbeatInterval,
      Listeners listener,
      Timer timer) {
    this.store = store;
    this.timer = timer;
    this.clock = clock;
    this.policy = policy;
    this.heartbeatInterval = heartbeatInterval;
    this.listener = listener;
    this.lastHeartbeat = clock.instant();
    this.thread = new Thread(this::loop, "genvault-checkpointer");
    this.thread.setDaemon(true);
  }

  /** The monotonic time source and the wait, injected so tests run the loop without real time. */
  interface Timer {
    Timer SYSTEM =
        new Timer() {
          @Override
          public long nanoTime() {
            return System.nanoTime();
          }

          @Override
          public void await(Condition condition, long nanos) throws InterruptedException {
            condition.awaitNanos(nanos);
          }
        };

    /** Monotonic nanoseconds, as {@link System#nanoTime()}. */
    long nanoTime();

    /** Waits on the condition (whose lock is held) for at most {@code nanos}. */
    void await(Condition condition, long nanos) throws InterruptedException;
  }

  /** Held while chunks are written, and by {@link #ending}: see there. */
  private final Object chunkWrite = new Object();

  void register(LiveGeneration generation) {
    live.add(generation);
  }

  void unregister(LiveGeneration generation) {
    live.remove(generation);
  }

  /**
   * Its terminal row is about to be written: from now on no chunk of it is written. Waits for a
   * checkpoint in flight (which may hold chunks of it) to end first. Otherwise that write could
   * commit after the terminal row, which drops the chunks, and leave chunks behind: on PostgreSQL
   * or H2 the chunk insert's check that the row is live can read the row before the terminal write
   * commits.
   */
  void ending(LiveGeneration generation) {
    synchronized (chunkWrite) {
      generation.ending();
    }
  }

  /** Called on every delta with that generation's count of unsaved deltas. */
  void deltas(int unsavedDeltas) {
    if (unsavedDeltas >= policy.maxDeltas()) {
      lock.lock();
      try {
        wakeRequested = true;
        wake.signal();
      } finally {
        lock.unlock();
      }
    }
  }

  /** Runs ticks until {@link #close()}: each due one interval after the previous was due. */
  void loop() {
    long intervalNanos = policy.interval().toNanos();
    long due = timer.nanoTime() + intervalNanos;
    while (running) {
      lock.lock();
      try {
        long remaining;
        while (running && !wakeRequested && (remaining = due - timer.nanoTime()) > 0) {
          timer.await(wake, remaining);
        }
        wakeRequested = false;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } finally {
        lock.unlock();
      }
      if (!running) {
        return;
      }
      tick();
      long now = timer.nanoTime();
      if (now - due >= 0) {
        // A scheduled tick (an early one, woken by maxDeltas, keeps the schedule as it is).
        due += intervalNanos;
        if (now - due >= 0) {
          due = now; // the write overran an interval: the next tick is due at once
        }
      }
    }
  }

  /** Writes every unsaved chunk of every live generation in one call, then heartbeats. */
  synchronized void tick() {
    Instant now = clock.instant();
    Map<LiveGeneration, List<Chunk>> byGeneration = writeChunks(now);
    if (Duration.between(lastHeartbeat, now).compareTo(heartbeatInterval) >= 0) {
      List<String> ids = new ArrayList<>();
      for (LiveGeneration g : live) {
        if (!byGeneration.containsKey(g)) {
          ids.add(g.id());
        }
      }
      try {
        if (!ids.isEmpty()) {
          store.heartbeat(ids, now);
        }
        lastHeartbeat = now;
      } catch (RuntimeException e) {
        log.warn("heartbeat of {} live generations failed: {}", ids.size(), e.toString());
      }
    }
  }

  /**
   * Writes every unsaved chunk of every live generation in one call, under the lock {@link #ending}
   * takes; what each generation had unsaved.
   */
  private Map<LiveGeneration, List<Chunk>> writeChunks(Instant now) {
    List<Chunk> batch = new ArrayList<>();
    Map<LiveGeneration, List<Chunk>> byGeneration = new java.util.HashMap<>();
    RuntimeException failure = null;
    synchronized (chunkWrite) {
      for (LiveGeneration g : live) {
        List<Chunk> chunks = g.unsavedChunks();
        if (!chunks.isEmpty()) {
          byGeneration.put(g, chunks);
          batch.addAll(chunks);
        }
      }
      if (batch.isEmpty()) {
        return byGeneration;
      }
      try {
        store.appendChunks(batch, now);
        byGeneration.forEach(LiveGeneration::saved);
      } catch (RuntimeException e) {
        failure = e;
      }
    }
    if (failure == null) {
      if (failuresInARow > 0) {
        log.info("checkpoints reach the store again after {} failed writes", failuresInARow);
      }
      failuresInARow = 0;
      Instant oldest = batch.get(0).createdAt();
      for (Chunk c : batch) {
        if (c.createdAt().isBefore(oldest)) {
          oldest = c.createdAt();
        }
      }
      Duration lag = Duration.between(oldest, clock.instant());
      listener.checkpoint(
          batch.size(), byGeneration.size(), lag.isNegative() ? Duration.ZERO : lag);
    } else {
      failuresInARow++;
      if (failuresInARow == 1 || failuresInARow % 100 == 0) {
        log.warn(
            "checkpoint of {} chunks failed ({} in a row); the text is kept and retried: {}",
            batch.size(),
            failuresInARow,
            failure.toString());
      }
      listener.checkpointFailed(failure);
    }
    return byGeneration;
  }

  @Override
  public void close() {
    running = false;
    lock.lock();
    try {
      wake.signal();
    } finally {
      lock.unlock();
    }
    try {
      thread.join(TimeUnit.SECONDS.toMillis(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
