package dev.genvault.cost;

import java.math.BigDecimal;
import java.util.List;
import java.util.Objects;

/**
 * A price in US dollars per million tokens, optionally tiered by the request's total input tokens:
 * when the input is <em>above</em> a tier's threshold, every token of this kind is priced at that
 * tier's rate (the "cliff" model providers use); exactly at the threshold the lower rate applies.
 *
 * @param base the rate up to the first tier
 * @param tiers higher rates, by ascending threshold; empty for a flat rate
 */
public record Rate(BigDecimal base, List<Tier> tiers) {

  /**
   * A higher rate for requests whose total input tokens exceed {@code above}.
   *
   * @param above the threshold, in input tokens
   * @param perMillion the rate in US dollars per million tokens
   */
  public record Tier(long above, BigDecimal perMillion) {
    /** Checks the fields. */
    public Tier {
      Objects.requireNonNull(perMillion, "perMillion");
      if (above < 0 || perMillion.signum() < 0) {
        throw new IllegalArgumentException("a tier needs a threshold and a rate >= 0");
      }
    }
  }

  /** Checks the fields and sorts the tiers. */
  public Rate {
    Objects.requireNonNull(base, "base");
    if (base.signum() < 0) {
      throw new IllegalArgumentException("a rate must not be negative: " + base);
    }
    if (tiers.isEmpty()) {
      tiers = List.of();
    } else {
      List<Tier> sorted = new java.util.ArrayList<>(tiers);
      sorted.sort(java.util.Comparator.comparingLong(Tier::above));
      tiers = List.copyOf(sorted);
    }
  }

  /** A flat rate in US dollars per million tokens. */
  public static Rate perMillion(BigDecimal usd) {
    return new Rate(usd, List.of());
  }

  /** A flat rate in US dollars per million tokens, from its decimal text (e.g. {@code "0.15"}). */
  public static Rate perMillion(String usd) {
    return perMillion(new BigDecimal(usd));
  }

  /** This rate with one more tier. */
  public Rate withTier(long above, BigDecimal perMillion) {
    List<Tier> more = new java.util.ArrayList<>(tiers);
    more.add(new Tier(above, perMillion));
    return new Rate(base, more);
  }

  /** The rate for a request with this many input tokens in all. */
  public BigDecimal at(long totalInputTokens) {
    BigDecimal rate = base;
    for (Tier tier : tiers) {
      if (totalInputTokens > tier.above()) {
        rate = tier.perMillion();
      }
    }
    return rate;
  }
}
