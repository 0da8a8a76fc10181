package dev.genvault.internal;

import dev.genvault.ErrorType;
import dev.genvault.ProviderException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for a streamed call that reports its progress: it fails with {@link ErrorType#TIMEOUT} once
 * nothing has arrived for the idle time, however long the whole call takes. How the LangChain4j and
 * Spring AI adapters wait for a framework's stream, which may have no read timeout of its own.
 */
public final class IdleWait {
  private final Duration idle;
  private volatile long last = System.nanoTime();

  /** A wait that gives up after {@code idle} without progress. */
  public IdleWait(Duration idle) {
    this.idle = Objects.requireNonNull(idle, "idle");
    if (idle.isNegative() || idle.isZero()) {
      throw new IllegalArgumentException("the idle timeout must be positive: " + idle);
    }
  }

  /** Something arrived: the idle time starts again. */
  public void touch() {
    last = System.nanoTime();
  }

  /**
   * The call's result once {@code done} completes; after the idle time without a {@link #touch},
   * runs {@code abort} (to stop the framework's stream) and throws.
   *
   * @throws ProviderException of type {@link ErrorType#TIMEOUT} when the call went idle
   */
  public <T> T await(CompletableFuture<T> done, Runnable abort)
      throws InterruptedException, ExecutionException {
    long idleNanos = idle.toNanos();
    while (true) {
      long left = idleNanos - (System.nanoTime() - last);
      if (left <= 0) {
        abort.run();
        throw new ProviderException(
            ErrorType.TIMEOUT, "nothing arrived from the model for " + idle, true, null);
      }
      try {
        return done.get(left, TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        // look again: something may have arrived meanwhile
      }
    }
  }
}
