package dev.genvault;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/**
 * A generation refused before it started because its largest possible cost does not fit in a
 * budget: no row was written and no provider was called. Not retryable as it is; {@link
 * #resetsAt()} says when the budget's next period starts.
 */
public class BudgetExceededException extends GenvaultException {
  private static final long serialVersionUID = 1L;

  private final transient Budget budget;
  private final String owner;
  private final BigDecimal spent;
  private final BigDecimal reserved;
  private final BigDecimal requested;
  private final Instant resetsAt;

  /** A refusal by {@code budget} for {@code owner}. */
  public BudgetExceededException(
      Budget budget,
      String owner,
      BigDecimal spent,
      BigDecimal reserved,
      BigDecimal requested,
      Instant resetsAt) {
    super(
        "budget "
            + budget
            + " of "
            + owner
            + " is exceeded: $"
            + spent.toPlainString()
            + " spent and $"
            + reserved.toPlainString()
            + " reserved of $"
            + budget.limit().toPlainString()
            + ", and this generation may cost up to $"
            + requested.toPlainString()
            + "; it resets at "
            + resetsAt,
        null);
    this.budget = Objects.requireNonNull(budget, "budget");
    this.owner = Objects.requireNonNull(owner, "owner");
    this.spent = Objects.requireNonNull(spent, "spent");
    this.reserved = Objects.requireNonNull(reserved, "reserved");
    this.requested = Objects.requireNonNull(requested, "requested");
    this.resetsAt = Objects.requireNonNull(resetsAt, "resetsAt");
  }

  /** The budget that refused. */
  public Budget budget() {
    return budget;
  }

  /** The user or tenant it counts for. */
  public String owner() {
    return owner;
  }

  /** Its limit in dollars. */
  public BigDecimal limit() {
    return budget.limit();
  }

  /** What was spent in the period. */
  public BigDecimal spent() {
    return spent;
  }

  /** What running generations hold. */
  public BigDecimal reserved() {
    return reserved;
  }

  /** The largest possible cost of the refused generation. */
  public BigDecimal requested() {
    return requested;
  }

  /** When the period ends. */
  public Instant resetsAt() {
    return resetsAt;
  }
}
