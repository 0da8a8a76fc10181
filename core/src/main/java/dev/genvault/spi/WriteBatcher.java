package dev.genvault.spi;

import dev.genvault.Generation;
import dev.genvault.PersistenceException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Group commit without a timer. A caller that finds no write in flight leads at once: it writes the
 * rows queued (its own first) as one batch. Callers that arrive meanwhile queue up; when the batch
 * is written, each of its callers is released with its own row's outcome, and the oldest queued
 * caller leads the next batch. So a lone caller never waits, and under load a batch holds what
 * arrived during the previous write, at most {@code maxBatch} rows.
 */
final class WriteBatcher {
  private static final class Slot {
    final Generation row;
    final Condition wake;
    @Nullable RowOutcome outcome;
    boolean lead;

    Slot(Generation row, Condition wake) {
      this.row = row;
      this.wake = wake;
    }
  }

  private final Function<List<Generation>, List<RowOutcome>> write;
  private final int maxBatch;
  private final int maxInFlight;
  private final ReentrantLock lock = new ReentrantLock();
  private final ArrayDeque<Slot> queue = new ArrayDeque<>();
  private int inFlight;

  WriteBatcher(Function<List<Generation>, List<RowOutcome>> write, int maxBatch, int maxInFlight) {
    this.write = write;
    this.maxBatch = maxBatch;
    this.maxInFlight = maxInFlight;
  }

  /**
   * Writes the row in some batch and returns its outcome. Waits uninterruptibly: once queued, the
   * row is written whatever happens to the caller, and the caller must learn how it went.
   */
  RowOutcome submit(Generation row) {
    Slot me;
    lock.lock();
    try {
      me = new Slot(row, lock.newCondition());
      queue.add(me);
      if (inFlight < maxInFlight) {
        inFlight++;
        me.lead = true; // so that no other leader takes its row: it writes it itself
      } else {
        // A leader that ends hands its place in flight to the oldest queued caller: this one,
        // unless a batch takes its row first.
        while (me.outcome == null && !me.lead) {
          me.wake.awaitUninterruptibly();
        }
        if (me.outcome != null) {
          return me.outcome;
        }
      }
    } finally {
      lock.unlock();
    }
    return lead(me);
  }

  /** Writes one batch from the head of the queue (where {@code me} is), then hands over. */
  private RowOutcome lead(Slot me) {
    List<Slot> batch = new ArrayList<>();
    lock.lock();
    try {
      // Its own row first, then the oldest queued rows that no other leader is about to take.
      queue.remove(me);
      batch.add(me);
      for (Iterator<Slot> it = queue.iterator(); it.hasNext() && batch.size() < maxBatch; ) {
        Slot s = it.next();
        if (!s.lead) {
          batch.add(s);
          it.remove();
        }
      }
    } finally {
      lock.unlock();
    }
    List<Generation> rows = new ArrayList<>(batch.size());
    for (Slot s : batch) {
      rows.add(s.row);
    }
    List<RowOutcome> outcomes;
    Error error = null;
    try {
      outcomes = write.apply(rows);
      if (outcomes.size() != rows.size()) {
        outcomes =
            failAll(
                rows.size(),
                new IllegalStateException(
                    "the store gave "
                        + outcomes.size()
                        + " outcomes for "
                        + rows.size()
                        + " rows"));
      }
    } catch (RuntimeException e) {
      outcomes = failAll(rows.size(), e);
    } catch (Error e) {
      error = e;
      outcomes = failAll(rows.size(), new PersistenceException("a batch write failed: " + e, e));
    }
    lock.lock();
    try {
      for (int i = 0; i < batch.size(); i++) {
        Slot s = batch.get(i);
        s.outcome = outcomes.get(i);
        s.wake.signal();
      }
      // Its place in flight goes to the oldest caller still waiting, if any.
      Slot next = null;
      for (Slot s : queue) {
        if (!s.lead) {
          next = s;
          break;
        }
      }
      if (next == null) {
        inFlight--;
      } else {
        next.lead = true;
        next.wake.signal();
      }
    } finally {
      lock.unlock();
    }
    if (error != null) {
      throw error;
    }
    return java.util.Objects.requireNonNull(me.outcome);
  }

  private static List<RowOutcome> failAll(int n, RuntimeException e) {
    List<RowOutcome> all = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      all.add(RowOutcome.failed(e));
    }
    return all;
  }
}
