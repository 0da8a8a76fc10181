package dev.genvault.cost;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.genvault.Cost;
import dev.genvault.CostCalculator;
import dev.genvault.Generation;
import dev.genvault.PriceSource;
import dev.genvault.Usage;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link CostCalculator}: exact costs from the bundled price table (derived from
 * genai-prices, MIT), with your own prices on top.
 *
 * <p>A model name is found with or without a provider prefix ({@code openai/gpt-4o-mini}), with a
 * dated suffix ({@code gpt-4o-mini-2024-07-18}), and by the table's own match rules. The price in
 * force at the generation's {@code createdAt} is used; tiered rates apply to the whole request once
 * its input tokens exceed the threshold. Usage is split into exclusive buckets ({@link
 * UsageBuckets}) so cached tokens are never billed twice. A model that matches nothing, or usage
 * that a price cannot cover, gets a null cost (never 0) and one warning per model name.
 *
 * <pre>{@code
 * CostCalculator prices = Pricing.builder()
 *     .override("my-finetune", ModelPrice.of("0.30", "1.20"))
 *     .build();
 * }</pre>
 *
 * <p>Thread safe. Lookups are cached, so pricing a generation costs a hash lookup and some
 * BigDecimal arithmetic.
 */
public final class Pricing implements CostCalculator {
  private static final Logger log = LoggerFactory.getLogger(Pricing.class);
  private static final Pattern DATED =
      Pattern.compile("^(.+?)(-\\d{4}-\\d{2}-\\d{2}|-\\d{8}|@\\d{8}|-\\d{4})$");

  /**
   * Price keys of genai-prices that Genvault does not use, each with the reason: the generator of
   * the bundled table leaves them out, and a test holds this list, the table and the README's list
   * to each other.
   */
  static final Map<String, String> UNSUPPORTED_KEYS =
      Map.of(
          "input_video_mtok",
          "video input: no usage report Genvault reads counts video apart (Gemini's VIDEO"
              + " modality is billed as text input)",
          "output_video_mtok",
          "video output: Genvault does not generate video",
          "output_citation_mtok",
          "citation tokens: no usage report Genvault reads counts them apart",
          "web_searches_kcount",
          "web searches are priced per search, and Genvault does not count searches yet");

  private record DatedPrice(@Nullable LocalDate since, ModelPrice price) {}

  /** What a name resolved to: overrides or a table model. */
  private record Resolved(@Nullable List<DatedPrice> overrides, PriceTable.@Nullable Model model) {}

  private static final Resolved NONE = new Resolved(null, null);

  private final @Nullable PriceTable table;
  private final Map<String, List<DatedPrice>> overrides;
  private final Cache<String, Resolved> resolved =
      Caffeine.newBuilder().maximumSize(10_000).build();
  private final Set<String> unpriced = ConcurrentHashMap.newKeySet();

  private Pricing(@Nullable PriceTable table, Map<String, List<DatedPrice>> overrides) {
    this.table = table;
    this.overrides = overrides;
  }

  private static final class Bundled {
    static final Pricing INSTANCE = new Pricing(PriceTable.bundled(), Map.of());
  }

  /** Pricing from the bundled table alone; the table is loaded once, on first use. */
  public static Pricing bundled() {
    return Bundled.INSTANCE;
  }

  /** A builder starting from the bundled table. */
  public static Builder builder() {
    return new Builder();
  }

  /** The bundled table's version: the date of the reference it was derived from. */
  public static String bundledVersion() {
    return PriceTable.bundled().version;
  }

  /** The version of the table behind these prices; empty when there are only overrides. */
  public Optional<String> tableVersion() {
    return table == null ? Optional.empty() : Optional.of(table.version);
  }

  /** Model names that could not be priced so far (each was warned about once). */
  public Set<String> unpricedModels() {
    return Set.copyOf(unpriced);
  }

  /**
   * The price of a model at an instant.
   *
   * @param model the model name, with or without a provider prefix or dated suffix
   * @param provider a provider hint (e.g. {@code openai}), or null
   */
  public Optional<ModelPrice> find(String model, @Nullable String provider, Instant at) {
    return Optional.ofNullable(priced(model, provider, at)).map(Priced::price);
  }

  private record Priced(ModelPrice price, PriceSource source) {}

  private @Nullable Priced priced(String model, @Nullable String provider, Instant at) {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(at, "at");
    Resolved r = resolved.get(provider + "\u0000" + model, k -> resolve(model, provider));
    if (r.overrides() != null) {
      LocalDate day = LocalDate.ofInstant(at, ZoneOffset.UTC);
      DatedPrice chosen = null;
      for (DatedPrice o : r.overrides()) {
        if (o.since() == null || !day.isBefore(o.since())) {
          chosen = o;
        }
      }
      if (chosen != null) {
        return new Priced(chosen.price(), PriceSource.OVERRIDE);
      }
    }
    if (r.model() != null && table != null) {
      ModelPrice price = r.model().priceAt(at);
      if (price != null && !price.isEmpty()) {
        return new Priced(price, PriceSource.table(table.version));
      }
    }
    return null;
  }

  private Resolved resolve(String model, @Nullable String provider) {
    String full = model.strip();
    String name = full;
    String hint = provider;
    List<String> candidates = new ArrayList<>();
    int slash = full.lastIndexOf('/');
    if (slash >= 0) {
      // "openai/gpt-4o-mini": the name within its provider first, then the whole name (some
      // providers, such as OpenRouter, list models under such names).
      name = full.substring(slash + 1);
      String prefix = full.substring(0, slash);
      prefix = prefix.substring(prefix.lastIndexOf('/') + 1);
      if (table != null && table.provider(prefix) != null) {
        hint = prefix;
      }
      candidates.add(name);
    }
    candidates.add(full);
    Matcher dated = DATED.matcher(name);
    if (dated.matches()) {
      candidates.add(dated.group(1));
    }
    List<DatedPrice> own = null;
    for (String candidate : candidates) {
      own = overrides.get(candidate.toLowerCase(Locale.ROOT));
      if (own != null) {
        break;
      }
    }
    PriceTable.Model found = null;
    if (table != null) {
      for (String candidate : candidates) {
        found = table.find(candidate, hint);
        if (found != null) {
          break;
        }
      }
    }
    // Both are kept: an override that starts on a day leaves earlier days to the table.
    return own == null && found == null ? NONE : new Resolved(own, found);
  }

  /**
   * The exact cost of usage of a model at an instant.
   *
   * @return null when the usage is unknown, the model has no price, or some tokens have no rate
   */
  public @Nullable Cost cost(
      String model, @Nullable String provider, @Nullable Usage usage, Instant at) {
    if (usage == null) {
      return null;
    }
    return cost(model, priced(model, provider, at), usage);
  }

  /** Prices usage at an already resolved price (null: the model has none). */
  private @Nullable Cost cost(String model, @Nullable Priced priced, Usage usage) {
    if (priced == null) {
      warnOnce(model, "no price for model '{}': its cost is recorded as unknown");
      return null;
    }
    UsageBuckets buckets = UsageBuckets.of(usage);
    if (buckets == null) {
      return null;
    }
    BigDecimal usd =
        priced.price().cost(buckets, usage.inputTokens() == null ? 0 : usage.inputTokens());
    if (usd == null) {
      warnOnce(
          model,
          "model '{}' has no rate for some of the tokens it used: its cost is recorded as unknown");
      return null;
    }
    return new Cost(
        usd.signum() == 0 ? BigDecimal.ZERO : usd.stripTrailingZeros(), priced.source());
  }

  /** Prices a generation by its requested model, then by the model the provider reported. */
  @Override
  public @Nullable Cost cost(Generation generation) {
    Usage usage = generation.usage();
    if (usage == null) {
      return null;
    }
    Instant at = generation.createdAt();
    String model = generation.model();
    Priced priced = priced(model, generation.provider(), at);
    if (priced == null && generation.providerModel() != null) {
      Priced reported = priced(generation.providerModel(), generation.provider(), at);
      if (reported != null) {
        model = generation.providerModel();
        priced = reported;
      }
    }
    return cost(model, priced, usage);
  }

  private void warnOnce(String model, String message) {
    if (unpriced.size() < 10_000 && unpriced.add(model)) {
      log.warn(message, model);
    }
  }

  @Override
  public String toString() {
    return "Pricing{table="
        + tableVersion().orElse("none")
        + ", overrides="
        + overrides.size()
        + '}';
  }

  /** Builds {@link Pricing}: the bundled table (unless left out) with your prices on top. */
  public static final class Builder {
    private boolean bundledTable = true;
    private final Map<String, List<DatedPrice>> overrides = new HashMap<>();

    private Builder() {}

    /** Leaves the bundled table out: only overrides are priced. */
    public Builder withoutBundledTable() {
      this.bundledTable = false;
      return this;
    }

    /** Prices a model (exact name, case-insensitive), winning over the table at all times. */
    public Builder override(String model, ModelPrice price) {
      return override(model, null, price);
    }

    /**
     * Prices a model from a day on (UTC); before that day, earlier overrides or the table apply.
     */
    public Builder override(String model, @Nullable LocalDate since, ModelPrice price) {
      Objects.requireNonNull(model, "model");
      Objects.requireNonNull(price, "price");
      if (model.isBlank()) {
        throw new IllegalArgumentException("model must not be blank");
      }
      List<DatedPrice> list =
          overrides.computeIfAbsent(model.strip().toLowerCase(Locale.ROOT), k -> new ArrayList<>());
      list.add(new DatedPrice(since, price));
      list.sort(Comparator.comparing(o -> o.since() == null ? LocalDate.MIN : o.since()));
      return this;
    }

    /** The pricing. */
    public Pricing build() {
      Map<String, List<DatedPrice>> copy = new HashMap<>();
      overrides.forEach((k, v) -> copy.put(k, List.copyOf(v)));
      return new Pricing(bundledTable ? PriceTable.bundled() : null, Map.copyOf(copy));
    }
  }
}
