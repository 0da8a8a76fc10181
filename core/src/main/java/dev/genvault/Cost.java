package dev.genvault;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;

/**
 * An exact cost in US dollars and the price table that produced it.
 *
 * <p>The amount is never rounded; {@link #toCents()} is a derived view for display.
 *
 * @param usd the amount in US dollars, exact, never negative
 * @param priceTable the version of the price table (or the name of the price source) used
 */
public record Cost(BigDecimal usd, String priceTable) {

  /** Checks the fields. */
  public Cost {
    Objects.requireNonNull(usd, "usd");
    Objects.requireNonNull(priceTable, "priceTable");
    if (usd.signum() < 0) {
      throw new IllegalArgumentException("cost must not be negative: " + usd);
    }
  }

  /** A zero cost, as charged for a generation served from the dedup cache. */
  public static Cost zero(String priceTable) {
    return new Cost(BigDecimal.ZERO, priceTable);
  }

  /**
   * The amount in US cents, rounded half-up to whole hundredths of a cent (4 decimal places of a
   * dollar). Display only: sums must be made on {@link #usd()}.
   */
  public BigDecimal toCents() {
    return usd.movePointRight(2).setScale(2, RoundingMode.HALF_UP);
  }
}
