package dev.genvault.redis;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs each outage once, when the breaker opens, and its end once; drops the idle connections when
 * one begins; counts them (tests).
 */
final class OutageLog implements CircuitBreaker.Listener {
  private static final Logger log = LoggerFactory.getLogger(RedisDedupCache.class);

  private final String describedAs;
  private final Runnable dropIdleConnections;
  private final AtomicLong outages = new AtomicLong();

  /**
   * @param describedAs which Redis, without credentials: {@code Redis at redis://host:port}
   * @param dropIdleConnections closes the pool's idle connections: after an outage they are most
   *     likely dead, and each would fail one call (and could open the breaker again) once Redis is
   *     back
   */
  OutageLog(String describedAs, Runnable dropIdleConnections) {
    this.describedAs = describedAs;
    this.dropIdleConnections = dropIdleConnections;
  }

  @Override
  public void opened(RuntimeException lastFailure, Duration retryIn) {
    outages.incrementAndGet();
    try {
      dropIdleConnections.run();
    } catch (RuntimeException e) {
      log.debug("closing the idle connections to {} failed: {}", describedAs, e.toString());
    }
    log.warn(
        "{} is failing ({}); the dedup cache is skipped and probed again every {} ms"
            + " until it answers",
        describedAs,
        lastFailure.toString(),
        retryIn.toMillis());
  }

  @Override
  public void closed(Duration outage) {
    log.info(
        "{} answers again; the dedup cache is used again after {} ms",
        describedAs,
        outage.toMillis());
  }

  long outages() {
    return outages.get();
  }
}
