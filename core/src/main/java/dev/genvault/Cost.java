package dev.genvault;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;

/**
 * An exact cost in US dollars and where its prices came from.
 *
 * <p>The amount is never rounded; {@link #toCents()} is a derived view for display.
 *
 * @param usd the amount in US dollars, exact, never negative
 * @param source where the prices came from: a price table version, an override, ...
 */
public record Cost(BigDecimal usd, PriceSource source) {

  /** Checks the fields. */
  public Cost {
    Objects.requireNonNull(usd, "usd");
    Objects.requireNonNull(source, "source");
    if (usd.signum() < 0) {
      throw new IllegalArgumentException("cost must not be negative: " + usd);
    }
  }

  /** A zero cost, as charged for a generation served from the dedup cache. */
  public static Cost zero(PriceSource source) {
    return new Cost(BigDecimal.ZERO, source);
  }

  /**
   * The amount in US cents, rounded half-up to whole hundredths of a cent (4 decimal places of a
   * dollar). Display only: sums must be made on {@link #usd()}.
   */
  public BigDecimal toCents() {
    return usd.movePointRight(2).setScale(2, RoundingMode.HALF_UP);
  }
}
