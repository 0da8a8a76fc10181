package dev.genvault;

import java.time.Duration;

/** Waits. Injected so that backoff is tested without real sleeping. Must be thread safe. */
@FunctionalInterface
public interface Sleeper {
  /** Sleeps on the current thread with {@link Thread#sleep}. */
  Sleeper SYSTEM =
      duration -> Thread.sleep(duration.toMillis(), duration.toNanosPart() % 1_000_000);

  /** Waits for the given time or until interrupted. */
  void sleep(Duration duration) throws InterruptedException;
}
