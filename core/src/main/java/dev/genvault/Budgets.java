package dev.genvault;

import dev.genvault.spi.BudgetLedger;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Spending limits a generator enforces, and the ledger that counts them. Before a generation's
 * provider call, its largest possible cost is reserved on every budget that applies to it, in one
 * atomic step of the ledger; if any would go over, the generation is refused with a {@link
 * BudgetExceededException}, and no row is written and no provider called. When it ends, the
 * reservation is replaced by its actual cost. Immutable.
 *
 * <p>The largest possible cost is priced by the generator's {@link CostCalculator} for an upper
 * bound of the input (one token per UTF-8 byte of the prompt and messages, plus 4 per message) and
 * the request's {@code maxOutputTokens}, or {@link Builder#defaultMaxOutputTokens} when it sets
 * none (image output tokens for an image generation). A model without a price cannot be bounded: it
 * is refused unless {@link Builder#allowUnpriced} says otherwise.
 *
 * <pre>{@code
 * Budgets budgets = Budgets.builder()
 *     .ledger(JdbcBudgetLedger.create(store))        // shared by every instance
 *     .add(Budget.perUser("5", Budget.Period.DAY))
 *     .add(Budget.perTenant("1000", Budget.Period.MONTH))
 *     .build();
 * }</pre>
 */
public final class Budgets {
  /** The output cap of a request that sets no {@code maxOutputTokens}, by default. */
  public static final int DEFAULT_MAX_OUTPUT_TOKENS = 4096;

  private final BudgetLedger ledger;
  private final List<Budget> budgets;
  private final int defaultMaxOutputTokens;
  private final boolean allowUnpriced;

  private Budgets(Builder b) {
    this.ledger = Objects.requireNonNull(b.ledger);
    this.budgets = List.copyOf(b.budgets);
    this.defaultMaxOutputTokens = b.defaultMaxOutputTokens;
    this.allowUnpriced = b.allowUnpriced;
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The ledger. */
  public BudgetLedger ledger() {
    return ledger;
  }

  /** The budgets, in the order added. */
  public List<Budget> budgets() {
    return budgets;
  }

  /** The output cap of a request that sets none. */
  public int defaultMaxOutputTokens() {
    return defaultMaxOutputTokens;
  }

  /** Whether a model without a price may run, without counting against any budget. */
  public boolean allowUnpriced() {
    return allowUnpriced;
  }

  /** Builds {@link Budgets}; a ledger and at least one budget are required. */
  public static final class Builder {
    private @Nullable BudgetLedger ledger;
    private final List<Budget> budgets = new ArrayList<>();
    private int defaultMaxOutputTokens = DEFAULT_MAX_OUTPUT_TOKENS;
    private boolean allowUnpriced;

    private Builder() {}

    /** Where the counters live: {@code BudgetLedger.inMemory()} for one process. */
    public Builder ledger(BudgetLedger ledger) {
      this.ledger = Objects.requireNonNull(ledger, "ledger");
      return this;
    }

    /**
     * Adds a budget.
     *
     * @throws IllegalArgumentException for a second budget of the same scope, period and zone (they
     *     would count on one counter)
     */
    public Builder add(Budget budget) {
      Objects.requireNonNull(budget, "budget");
      for (Budget b : budgets) {
        if (b.scope() == budget.scope()
            && b.period() == budget.period()
            && b.zone().normalized().equals(budget.zone().normalized())) {
          throw new IllegalArgumentException(
              "a budget per " + b.scope() + " and " + b.period() + " is there already: " + b);
        }
      }
      budgets.add(budget);
      return this;
    }

    /** The output cap reserved for a request that sets no {@code maxOutputTokens}. */
    public Builder defaultMaxOutputTokens(int tokens) {
      if (tokens < 1) {
        throw new IllegalArgumentException("defaultMaxOutputTokens must be positive: " + tokens);
      }
      this.defaultMaxOutputTokens = tokens;
      return this;
    }

    /**
     * Lets a model without a price run (its cost is unknown, so it counts against no budget). False
     * by default: such a generation is refused, since no budget can bound it.
     */
    public Builder allowUnpriced(boolean allow) {
      this.allowUnpriced = allow;
      return this;
    }

    /**
     * The budgets.
     *
     * @throws IllegalStateException without a ledger or a budget
     */
    public Budgets build() {
      if (ledger == null) {
        throw new IllegalStateException("a BudgetLedger is required");
      }
      if (budgets.isEmpty()) {
        throw new IllegalStateException("add at least one Budget");
      }
      return new Budgets(this);
    }
  }
}
