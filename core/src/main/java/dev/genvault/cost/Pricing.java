package dev.genvault.cost;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.genvault.Cost;
import dev.genvault.CostCalculator;
import dev.genvault.Generation;
import dev.genvault.PriceSource;
import dev.genvault.Usage;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
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
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
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
 * <p>Newer prices without a new release: {@link Builder#prices(java.net.URI)} loads a genai-prices
 * {@code data.json} (validated; its prices win over the bundled ones, which still price what it
 * lacks) and {@link Builder#refreshEvery} loads it again on a schedule, keeping the last good table
 * when a load fails. Each cost records the version of the table that priced it.
 *
 * <pre>{@code
 * Pricing prices = Pricing.builder()
 *     .prices(URI.create("https://example.com/genai-prices/data.json"))
 *     .refreshEvery(Duration.ofHours(6))
 *     .override("my-finetune", ModelPrice.of("0.30", "1.20"))   // wins over both tables
 *     .build();
 * }</pre>
 *
 * <p>Thread safe. Lookups are cached, so pricing a generation costs a hash lookup and some
 * BigDecimal arithmetic.
 */
public final class Pricing implements CostCalculator, AutoCloseable {
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

  /** What a name resolved to: overrides, a model of the loaded table, one of the bundled. */
  private record Resolved(
      @Nullable List<DatedPrice> overrides,
      PriceTable.@Nullable Model loaded,
      PriceTable.@Nullable Model bundled) {}

  private static final Resolved NONE = new Resolved(null, null, null);

  /** The tables in force and the names resolved in them: replaced whole by a refresh. */
  private record Tables(
      @Nullable PriceTable loaded,
      @Nullable Instant loadedAt,
      @Nullable PriceTable bundled,
      Cache<String, Resolved> resolved) {
    Tables(@Nullable PriceTable loaded, @Nullable Instant at, @Nullable PriceTable bundled) {
      this(loaded, at, bundled, Caffeine.newBuilder().maximumSize(10_000).build());
    }
  }

  private volatile Tables tables;
  private final Map<String, List<DatedPrice>> overrides;
  private final @Nullable PriceRefresher refresher;
  private final Set<String> unpriced = ConcurrentHashMap.newKeySet();
  private final AtomicLong unpricedGenerations = new AtomicLong();

  private Pricing(
      @Nullable PriceTable bundled,
      Map<String, List<DatedPrice>> overrides,
      @Nullable PriceLoader loader,
      @Nullable Duration every,
      @Nullable ScheduledExecutorService scheduler) {
    this.tables = new Tables(null, null, bundled);
    this.overrides = overrides;
    if (loader == null) {
      this.refresher = null;
      return;
    }
    this.refresher =
        new PriceRefresher(
            loader,
            table -> tables = new Tables(table, Instant.now(), tables.bundled()),
            () -> tableVersion().orElse("overrides only"));
    refresher.refresh();
    if (every != null) {
      refresher.schedule(every, scheduler);
    }
  }

  private static final class Bundled {
    static final Pricing INSTANCE = new Pricing(PriceTable.bundled(), Map.of(), null, null, null);
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

  /**
   * The version of the table that prices first: the loaded one's when one is loaded, else the
   * bundled one's; empty when there are only overrides.
   */
  public Optional<String> tableVersion() {
    Tables t = tables;
    PriceTable first = t.loaded() != null ? t.loaded() : t.bundled();
    return first == null ? Optional.empty() : Optional.of(first.version);
  }

  /** The table loaded from {@link Builder#prices(Path)} or {@link Builder#prices(URI)}, if any. */
  public Optional<LoadedPrices> loaded() {
    Tables t = tables;
    PriceTable table = t.loaded();
    if (table == null || refresher == null || t.loadedAt() == null) {
      return Optional.empty();
    }
    return Optional.of(
        new LoadedPrices(table.version, refresher.location(), t.loadedAt(), table.dropped));
  }

  /**
   * Reads the price data again from where it was loaded, and prices with it from now on when it is
   * valid. A source that cannot be read or holds no valid data leaves the table in force as it is
   * (the last good one, or the bundled one), is logged, and counts in {@link #refreshFailures()}.
   * Runs on its own with {@link Builder#refreshEvery}.
   *
   * @return true if a table was loaded; false if the load failed or there is nothing to load
   */
  public boolean refresh() {
    return refresher != null && refresher.refresh();
  }

  /** How many loads of the price data have failed so far. */
  public long refreshFailures() {
    return refresher == null ? 0 : refresher.failures();
  }

  /** Stops the refresh schedule this pricing started, if any. */
  @Override
  public void close() {
    if (refresher != null) {
      refresher.close();
    }
  }

  /** Model names that could not be priced so far (each was warned about once). */
  public Set<String> unpricedModels() {
    return Set.copyOf(unpriced);
  }

  /**
   * How many costs asked of this pricing were left unknown (null) although usage was reported: a
   * model without a price, or tokens without a rate.
   */
  public long unpricedGenerations() {
    return unpricedGenerations.get();
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
    Tables t = tables;
    Resolved r = t.resolved().get(provider + "\u0000" + model, k -> resolve(t, model, provider));
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
    Priced loaded = inTable(r.loaded(), t.loaded(), at);
    return loaded != null ? loaded : inTable(r.bundled(), t.bundled(), at);
  }

  private static @Nullable Priced inTable(
      PriceTable.@Nullable Model model, @Nullable PriceTable table, Instant at) {
    if (model == null || table == null) {
      return null;
    }
    ModelPrice price = model.priceAt(at);
    return price == null || price.isEmpty()
        ? null
        : new Priced(price, PriceSource.table(table.version));
  }

  private Resolved resolve(Tables t, String model, @Nullable String provider) {
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
      if ((t.loaded() != null && t.loaded().provider(prefix) != null)
          || (t.bundled() != null && t.bundled().provider(prefix) != null)) {
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
    PriceTable.Model loaded = find(t.loaded(), candidates, hint);
    PriceTable.Model bundled = find(t.bundled(), candidates, hint);
    // All are kept: an override that starts on a day leaves earlier days to the tables, and a
    // loaded table without a price on a day leaves it to the bundled one.
    return own == null && loaded == null && bundled == null
        ? NONE
        : new Resolved(own, loaded, bundled);
  }

  private static PriceTable.@Nullable Model find(
      @Nullable PriceTable table, List<String> candidates, @Nullable String hint) {
    if (table == null) {
      return null;
    }
    for (String candidate : candidates) {
      PriceTable.Model found = table.find(candidate, hint);
      if (found != null) {
        return found;
      }
    }
    return null;
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
      unpricedGenerations.incrementAndGet();
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
      unpricedGenerations.incrementAndGet();
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
    private @Nullable PriceLoader loader;
    private @Nullable Duration every;
    private @Nullable ScheduledExecutorService scheduler;

    private Builder() {}

    /** Leaves the bundled table out: only overrides are priced. */
    public Builder withoutBundledTable() {
      this.bundledTable = false;
      return this;
    }

    /**
     * Prices from a genai-prices {@code data.json} file (its format, the one the bundled table is
     * derived from), read when the pricing is built and again by {@link Pricing#refresh()}. Its
     * prices win over the bundled table's; a model or day it does not price falls to the bundled
     * table, and overrides win over both. A file that cannot be read or is not valid leaves the
     * bundled table in force (logged, and counted in {@link Pricing#refreshFailures()}).
     */
    public Builder prices(Path dataJson) {
      Objects.requireNonNull(dataJson, "dataJson");
      this.loader = PriceLoader.of(dataJson);
      return this;
    }

    /**
     * Prices from a genai-prices {@code data.json} at a URL ({@code https}, {@code http} or {@code
     * file}), as {@link #prices(Path)} does: for example the project's published file, or a copy
     * the app keeps.
     *
     * @throws IllegalArgumentException for another scheme
     */
    public Builder prices(URI dataJson) {
      Objects.requireNonNull(dataJson, "dataJson");
      this.loader = PriceLoader.of(dataJson);
      return this;
    }

    /**
     * Loads the price data again every {@code every}, keeping the last good table when a load
     * fails; on a thread of its own (stopped by {@link Pricing#close()}) unless {@link #scheduler}
     * gives one.
     */
    public Builder refreshEvery(Duration every) {
      Objects.requireNonNull(every, "every");
      if (every.isNegative() || every.isZero()) {
        throw new IllegalArgumentException("refreshEvery must be positive: " + every);
      }
      this.every = every;
      return this;
    }

    /** Where the refreshes of {@link #refreshEvery} run. */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
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

    /**
     * The pricing; with {@link #prices(Path)} or {@link #prices(URI)}, after the first load.
     *
     * @throws IllegalStateException for {@link #refreshEvery} without a source to load
     */
    public Pricing build() {
      if (every != null && loader == null) {
        throw new IllegalStateException("refreshEvery needs prices(...) to load from");
      }
      Map<String, List<DatedPrice>> copy = new HashMap<>();
      overrides.forEach((k, v) -> copy.put(k, List.copyOf(v)));
      return new Pricing(
          bundledTable ? PriceTable.bundled() : null, Map.copyOf(copy), loader, every, scheduler);
    }
  }
}
