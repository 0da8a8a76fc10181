package dev.genvault;

import java.time.Duration;
import java.util.Objects;

/**
 * How often streamed text reaches the store: at most every {@code interval}, or sooner once any
 * live generation has {@code maxDeltas} unsaved deltas. Either way, one write carries the new text
 * of every live generation.
 *
 * @param interval the longest time new text waits, e.g. 250 ms
 * @param maxDeltas the most deltas (roughly tokens) one generation buffers before an early
 *     checkpoint, e.g. 64
 */
public record CheckpointPolicy(Duration interval, int maxDeltas) {
  /** Every 250 ms or 64 deltas. */
  public static final CheckpointPolicy DEFAULT = new CheckpointPolicy(Duration.ofMillis(250), 64);

  /** Checks the fields. */
  public CheckpointPolicy {
    Objects.requireNonNull(interval, "interval");
    if (interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("checkpoint interval must be positive: " + interval);
    }
    if (maxDeltas < 1) {
      throw new IllegalArgumentException("maxDeltas must be at least 1: " + maxDeltas);
    }
  }
}
