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
 */
public record SpendRow(
    @Nullable String userId,
    @Nullable String model,
    @Nullable LocalDate day,
    long generations,
    long inputTokens,
    long outputTokens,
    BigDecimal costUsd) {

  /** Checks the fields. */
  public SpendRow {
    Objects.requireNonNull(costUsd, "costUsd");
  }
}
