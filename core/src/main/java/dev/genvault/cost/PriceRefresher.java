package dev.genvault.cost;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads price data for a {@link Pricing}, now and on a schedule: a table that loads is handed on, a
 * failure is logged and counted and leaves the prices in force as they are.
 */
final class PriceRefresher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Pricing.class);

  private final PriceLoader loader;
  private final Consumer<PriceTable> onLoad;
  private final Supplier<String> inForce;
  private final AtomicLong failures = new AtomicLong();
  private @Nullable ScheduledExecutorService ownScheduler;
  private @Nullable ScheduledFuture<?> schedule;

  /**
   * A refresher of {@code loader}'s data.
   *
   * @param onLoad takes each table that loads
   * @param inForce names the prices in force, for the log of a failure
   */
  PriceRefresher(PriceLoader loader, Consumer<PriceTable> onLoad, Supplier<String> inForce) {
    this.loader = loader;
    this.onLoad = onLoad;
    this.inForce = inForce;
  }

  /** Loads again every {@code every}, on {@code scheduler} or on a daemon thread of its own. */
  synchronized void schedule(Duration every, @Nullable ScheduledExecutorService scheduler) {
    ownScheduler = scheduler == null ? PriceLoader.scheduler() : null;
    ScheduledExecutorService on = scheduler == null ? ownScheduler : scheduler;
    schedule =
        on.scheduleWithFixedDelay(
            this::refreshOnSchedule, every.toNanos(), every.toNanos(), TimeUnit.NANOSECONDS);
  }

  String location() {
    return loader.location();
  }

  /** Loads now; true when a table loaded. */
  synchronized boolean refresh() {
    try {
      PriceTable table = loader.load();
      onLoad.accept(table);
      log.info("prices loaded from {}: version {}", loader.location(), table.version);
      return true;
    } catch (IOException | RuntimeException e) {
      failures.incrementAndGet();
      log.warn(
          "prices could not be loaded from {}; the prices in force stay ({}): {}",
          loader.location(),
          inForce.get(),
          e.toString());
      return false;
    }
  }

  /** A scheduled refresh: whatever it throws, the schedule goes on. */
  private void refreshOnSchedule() {
    try {
      refresh();
    } catch (Throwable t) {
      failures.incrementAndGet();
      log.error("a scheduled refresh of the prices failed; the prices in force stay", t);
    }
  }

  long failures() {
    return failures.get();
  }

  /** Stops the schedule, and the thread it started, if any. */
  @Override
  public synchronized void close() {
    if (schedule != null) {
      schedule.cancel(false);
    }
    if (ownScheduler != null) {
      ownScheduler.shutdownNow();
    }
  }
}
