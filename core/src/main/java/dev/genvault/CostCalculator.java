package dev.genvault;

import org.jspecify.annotations.Nullable;

/**
 * Prices a finished generation. Returns null when the cost is unknown (no usage, or no price for
 * the model), never a made-up zero. Implementations must be thread safe and fast: they run once per
 * generation, next to a database write.
 */
@FunctionalInterface
public interface CostCalculator {
  /** Prices nothing: every cost is unknown. */
  CostCalculator NONE = generation -> null;

  /**
   * The cost of a generation from its model ({@link Generation#model()}, {@link
   * Generation#providerModel()}), {@link Generation#usage()} and {@link Generation#createdAt()}.
   */
  @Nullable Cost cost(Generation generation);
}
