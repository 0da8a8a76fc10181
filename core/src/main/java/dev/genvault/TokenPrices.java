package dev.genvault;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link CostCalculator} over prices you supply, per million tokens, looked up by the exact
 * requested model name (then the provider-reported one).
 *
 * <p>Cost = (input − cache reads) × input price + cache reads × cached-input price + output ×
 * output price, divided by one million, exact. Reasoning tokens are part of output. A model with no
 * price, or usage without input or output counts, gets a null cost; an unknown model is warned
 * about once.
 *
 * <pre>{@code
 * CostCalculator prices = TokenPrices.builder()
 *     .price("gpt-4o-mini", new BigDecimal("0.15"), new BigDecimal("0.075"), new BigDecimal("0.60"))
 *     .build();
 * }</pre>
 */
public final class TokenPrices implements CostCalculator {
  private static final Logger log = LoggerFactory.getLogger(TokenPrices.class);
  private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

  private record Price(BigDecimal input, BigDecimal cachedInput, BigDecimal output) {}

  private final Map<String, Price> prices;
  private final String version;
  private final Set<String> warned = ConcurrentHashMap.newKeySet();

  private TokenPrices(Builder b) {
    this.prices = Map.copyOf(b.prices);
    this.version = b.version;
  }

  /** A new builder with no prices, version {@code "custom"}. */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public @Nullable Cost cost(Generation generation) {
    Price price = prices.get(generation.model());
    if (price == null && generation.providerModel() != null) {
      price = prices.get(generation.providerModel());
    }
    if (price == null) {
      if (warned.add(generation.model())) {
        log.warn("no price for model '{}': its cost is recorded as unknown", generation.model());
      }
      return null;
    }
    Usage usage = generation.usage();
    if (usage == null || usage.inputTokens() == null || usage.outputTokens() == null) {
      return null;
    }
    long cached = usage.cacheReadTokens() == null ? 0 : usage.cacheReadTokens();
    long uncached = Math.max(0, usage.inputTokens() - cached);
    BigDecimal total =
        price
            .input()
            .multiply(BigDecimal.valueOf(uncached))
            .add(price.cachedInput().multiply(BigDecimal.valueOf(cached)))
            .add(price.output().multiply(BigDecimal.valueOf(usage.outputTokens())));
    return new Cost(total.divide(MILLION, MathContext.UNLIMITED).stripTrailingZeros(), version);
  }

  /** Builds {@link TokenPrices}. */
  public static final class Builder {
    private final Map<String, Price> prices = new HashMap<>();
    private String version = "custom";

    private Builder() {}

    /** Prices a model in USD per million tokens; cached input at the full input price. */
    public Builder price(String model, BigDecimal inputPerMillion, BigDecimal outputPerMillion) {
      return price(model, inputPerMillion, inputPerMillion, outputPerMillion);
    }

    /** Prices a model in USD per million tokens. */
    public Builder price(
        String model,
        BigDecimal inputPerMillion,
        BigDecimal cachedInputPerMillion,
        BigDecimal outputPerMillion) {
      Objects.requireNonNull(model, "model");
      if (inputPerMillion.signum() < 0
          || cachedInputPerMillion.signum() < 0
          || outputPerMillion.signum() < 0) {
        throw new IllegalArgumentException("prices must not be negative for model " + model);
      }
      prices.put(model, new Price(inputPerMillion, cachedInputPerMillion, outputPerMillion));
      return this;
    }

    /** The version recorded on every {@link Cost}, e.g. the date the prices were taken. */
    public Builder version(String version) {
      this.version = Objects.requireNonNull(version, "version");
      return this;
    }

    /** The prices. */
    public TokenPrices build() {
      return new TokenPrices(this);
    }
  }
}
