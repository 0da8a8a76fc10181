package dev.genvault;

/**
 * A generation refused under {@link Budgets} because its model has no price, so that no budget can
 * bound what it costs. A setting to fix, not a moment to wait out: price the model ({@code
 * Pricing.builder().override}) or let unpriced models run ({@code
 * Budgets.builder().allowUnpriced(true)}). Nothing was written and no provider was called.
 */
public class UnpricedModelException extends IllegalStateException {
  private static final long serialVersionUID = 1L;

  private final String model;

  /** A refusal of {@code model}. */
  public UnpricedModelException(String model) {
    super(
        "model '"
            + model
            + "' has no price, so no budget can bound it: price it (Pricing.builder().override)"
            + " or allow it (Budgets.builder().allowUnpriced(true))");
    this.model = model;
  }

  /** The model without a price. */
  public String model() {
    return model;
  }
}
