package dev.genvault.redis;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * Skips Redis after {@code threshold} failures in a row: while open, calls are refused at once;
 * once {@code openFor} has passed, one call goes through as a probe, and its success closes the
 * breaker (its failure keeps it open for another {@code openFor}). An outage is reported once, when
 * the breaker opens, and its end once, when it closes; the failures in between are not reported.
 *
 * <p>Thread safe. A closed breaker costs one volatile read per call.
 */
final class CircuitBreaker {

  /** What the breaker tells of outages: called under its lock, so keep it short. */
  interface Listener {
    /** The breaker opened: Redis failed {@code threshold} times in a row, the last with this. */
    void opened(RuntimeException lastFailure, Duration retryIn);

    /** The breaker closed again after an outage of {@code outage}. */
    void closed(Duration outage);
  }

  private final int threshold;
  private final long openForNanos;
  private final LongSupplier nanoTime;
  private final Listener listener;

  private volatile boolean closed = true;
  private volatile int failures;
  private long retryAt; // guarded by this
  private long openedAt; // guarded by this
  private boolean probing; // guarded by this

  CircuitBreaker(int threshold, Duration openFor, LongSupplier nanoTime, Listener listener) {
    if (threshold < 1) {
      throw new IllegalArgumentException("threshold must be at least 1: " + threshold);
    }
    this.threshold = threshold;
    this.openForNanos = openFor.toNanos();
    this.nanoTime = nanoTime;
    this.listener = listener;
  }

  /**
   * Whether a call may go to Redis now: always while closed; while open, only one probe once {@code
   * openFor} has passed. A caller that was let through reports {@link #succeeded} or {@link
   * #failed}.
   */
  boolean tryAcquire() {
    if (closed) {
      return true;
    }
    synchronized (this) {
      if (closed) {
        return true;
      }
      if (probing || nanoTime.getAsLong() - retryAt < 0) {
        return false;
      }
      probing = true;
      return true;
    }
  }

  /** Whether calls go to Redis (the breaker is closed); a probe is not counted. */
  boolean isClosed() {
    return closed;
  }

  void succeeded() {
    if (closed && failures == 0) {
      return;
    }
    synchronized (this) {
      failures = 0;
      if (!closed) {
        closed = true;
        probing = false;
        listener.closed(Duration.ofNanos(nanoTime.getAsLong() - openedAt));
      }
    }
  }

  void failed(RuntimeException failure) {
    synchronized (this) {
      long now = nanoTime.getAsLong();
      if (closed) {
        failures = failures + 1;
        if (failures >= threshold) {
          closed = false;
          openedAt = now;
          retryAt = now + openForNanos;
          listener.opened(failure, Duration.ofNanos(openForNanos));
        }
      } else {
        probing = false;
        retryAt = now + openForNanos;
      }
    }
  }
}
