package dev.genvault;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * One group of a {@link dev.genvault.spi.GenerationStore#spend} answer. A dimension that was not
 * grouped by is null. Token sums count only generations that reported them; the cost sums only
 * generations with a known cost.
 *
 * @param userId the user, when grouped by user (null also for generations without a user)
 * @param model the requested model, when grouped by model
 * @param day the UTC day, when grouped by day
 * @param generations how many generations fall in the group
 * @param inputTokens the sum of reported input tokens
 * @param outputTokens the sum of reported output tokens
 * @param costUsd the exact sum of known costs in US dollars
 * @param unpriced how many of the group's generations have no known cost (a model without a price,
 *     no usage reported, or still live): their spend is not in {@code costUsd}
 */
public record SpendRow(
    @Nullable String userId,
    @Nullable String model,
    @Nullable LocalDate day,
    long generations,
    long inputTokens,
    long outputTokens,
    BigDecimal costUsd,
    long unpriced) {

  /** Checks the fields. */
  public SpendRow {
    Objects.requireNonNull(costUsd, "costUsd");
    if (unpriced < 0 || unpriced > generations) {
      throw new IllegalArgumentException(
          "unpriced must be 0 to generations (" + generations + "): " + unpriced);
    }
  }

  /** A group whose generations all have a known cost. */
  public SpendRow(
      @Nullable String userId,
      @Nullable String model,
      @Nullable LocalDate day,
      long generations,
      long inputTokens,
      long outputTokens,
      BigDecimal costUsd) {
    this(userId, model, day, generations, inputTokens, outputTokens, costUsd, 0);
  }
}
