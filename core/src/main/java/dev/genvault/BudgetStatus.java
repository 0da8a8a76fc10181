package dev.genvault;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/**
 * Where one budget of an owner stands in its current period.
 *
 * @param budget the budget
 * @param owner the user or tenant it is counted for
 * @param resetsAt when the period ends and a new one starts from zero
 * @param spent what the generations of the period cost, settled
 * @param reserved what generations still running hold, at their largest possible cost
 */
public record BudgetStatus(
    Budget budget, String owner, Instant resetsAt, BigDecimal spent, BigDecimal reserved) {

  /** Checks the fields. */
  public BudgetStatus {
    Objects.requireNonNull(budget, "budget");
    Objects.requireNonNull(owner, "owner");
    Objects.requireNonNull(resetsAt, "resetsAt");
    Objects.requireNonNull(spent, "spent");
    Objects.requireNonNull(reserved, "reserved");
  }

  /** What may still be reserved in this period: the limit less spent and reserved, at least 0. */
  public BigDecimal remaining() {
    BigDecimal left = budget.limit().subtract(spent).subtract(reserved);
    return left.signum() <= 0 ? BigDecimal.ZERO : left.stripTrailingZeros();
  }
}
