package dev.genvault.spi;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a batch write did to one of its rows: written (or, for a finish, whether the row was live
 * and is now terminal), or failed with the exception the single-row call would have thrown. One
 * row's failure is its own: the other rows of the batch have their own outcomes.
 *
 * @see GenerationStore#insertAll
 * @see GenerationStore#finishAll
 */
public final class RowOutcome {
  private static final RowOutcome APPLIED = new RowOutcome(true, null);
  private static final RowOutcome NOT_APPLIED = new RowOutcome(false, null);

  private final boolean applied;
  private final @Nullable RuntimeException failure;

  private RowOutcome(boolean applied, @Nullable RuntimeException failure) {
    this.applied = applied;
    this.failure = failure;
  }

  /** The row was written (and, for a finish, was live and is now terminal). */
  public static RowOutcome applied() {
    return APPLIED;
  }

  /** A finish whose row was already terminal or absent: nothing was written, nothing failed. */
  public static RowOutcome notApplied() {
    return NOT_APPLIED;
  }

  /** The row was not written: {@code failure} is what the single-row call would have thrown. */
  public static RowOutcome failed(RuntimeException failure) {
    return new RowOutcome(false, Objects.requireNonNull(failure, "failure"));
  }

  /** True if the row was written. */
  public boolean isApplied() {
    return applied;
  }

  /** The failure of this row, or null if it did not fail. */
  public @Nullable RuntimeException failure() {
    return failure;
  }

  /**
   * What the single-row call returns: {@link #isApplied()}, or the failure thrown.
   *
   * @throws RuntimeException this row's failure, if it failed
   */
  public boolean getOrThrow() {
    if (failure != null) {
      throw failure;
    }
    return applied;
  }

  @Override
  public String toString() {
    return failure != null
        ? "RowOutcome{failed: " + failure + "}"
        : applied ? "RowOutcome{applied}" : "RowOutcome{not applied}";
  }
}
