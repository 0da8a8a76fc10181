package dev.genvault.tck;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/** A clock that stands still until moved. Thread safe. */
public final class MutableClock extends Clock {
  private volatile Instant now;

  /** A clock standing at the given instant. */
  public MutableClock(Instant start) {
    this.now = Objects.requireNonNull(start, "start");
  }

  /** Moves the clock forward (or back, for a negative duration). */
  public synchronized void advance(Duration duration) {
    now = now.plus(duration);
  }

  /** Sets the clock. */
  public void set(Instant instant) {
    now = Objects.requireNonNull(instant, "instant");
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    throw new UnsupportedOperationException("a MutableClock is always UTC");
  }

  @Override
  public Instant instant() {
    return now;
  }
}
