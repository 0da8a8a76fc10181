package dev.genvault;

import dev.genvault.internal.RecordJson;
import dev.genvault.spi.BudgetLedger;
import dev.genvault.spi.GenerationStore;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The generator's side of {@link Budgets}: reserves before a provider call, settles when a
 * generation ends, and reconciles what a dead process left reserved.
 */
final class BudgetKeeper {
  private static final Logger log = LoggerFactory.getLogger(PersistentGenerator.class);

  /** Tokens a message adds besides its content, at most, in the input bound. */
  private static final long PER_MESSAGE = 4;

  private final @Nullable Budgets budgets;
  private final CostCalculator costs;

  BudgetKeeper(@Nullable Budgets budgets, CostCalculator costs) {
    this.budgets = budgets;
    this.costs = costs;
  }

  boolean enabled() {
    return budgets != null;
  }

  /** Whether any budget applies to a request (it names the owner of one). */
  private boolean applies(GenerationRequest request) {
    if (budgets == null) {
      return false;
    }
    for (Budget b : budgets.budgets()) {
      if (b.owner(request) != null) {
        return true;
      }
    }
    return false;
  }

  /**
   * The request as it is admitted: a budget bounds only what a request may cost, so one that sets
   * no output limit gets the cap it is reserved for (not an image: its output is bounded by the
   * largest image instead).
   */
  GenerationRequest capped(GenerationRequest request) {
    if (applies(request)) {
      for (String name : request.parameters().keySet()) {
        if (UNBOUNDED.contains(name.toLowerCase(java.util.Locale.ROOT))) {
          throw new IllegalArgumentException(
              "the provider parameter '"
                  + name
                  + "' is refused under a budget: set the request's maxOutputTokens or n instead,"
                  + " which the budget reserves for");
        }
      }
    }
    if (request.maxOutputTokens() != null
        || request.kind() == GenerationKind.IMAGE
        || !applies(request)) {
      return request;
    }
    return request.toBuilder().maxOutputTokens(budgets.defaultMaxOutputTokens()).build();
  }

  /**
   * Reserves the largest possible cost of a generation on every budget that applies to it.
   *
   * @throws BudgetExceededException if one would go over (nothing reserved)
   * @throws UnpricedModelException for a model without a price, unless allowed
   */
  void reserve(GenerationRequest request, @Nullable String provider, String id, Instant now) {
    if (budgets == null) {
      return;
    }
    List<Budget> applying = new ArrayList<>();
    for (Budget b : budgets.budgets()) {
      if (b.owner(request) != null) {
        applying.add(b);
      }
    }
    if (applying.isEmpty()) {
      return;
    }
    BigDecimal most = largest(request, provider, id, now);
    if (most == null) {
      if (budgets.allowUnpriced()) {
        return;
      }
      throw new UnpricedModelException(request.model());
    }
    // Beyond any limit, a charge is cut to just over the largest: refused all the same, and every
    // ledger can hold it.
    BigDecimal charged = most.min(Budget.MAX_LIMIT.add(BigDecimal.ONE));
    List<BudgetLedger.Charge> charges = new ArrayList<>();
    for (Budget b : applying) {
      charges.add(new BudgetLedger.Charge(b.counterKey(request, now), b.limit(), charged));
    }
    // One order for every process: two reservations never wait on each other's counters.
    charges.sort(Comparator.comparing(BudgetLedger.Charge::key));
    Optional<BudgetLedger.Counter> over = budgets.ledger().reserve(id, charges, now);
    if (over.isPresent()) {
      BudgetLedger.Counter c = over.get();
      Budget refusing =
          applying.stream()
              .filter(b -> b.counterKey(request, now).equals(c.key()))
              .findFirst()
              .orElse(applying.get(0));
      throw new BudgetExceededException(
          refusing,
          String.valueOf(refusing.owner(request)),
          c.spent(),
          c.reserved(),
          most,
          refusing.resetsAt(now));
    }
  }

  /** Provider parameters that would let a call use more than was reserved for it. */
  private static final java.util.Set<String> UNBOUNDED =
      java.util.Set.of(
          "max_tokens",
          "max_completion_tokens",
          "max_output_tokens",
          "maxoutputtokens",
          "n",
          "partial_images",
          "candidatecount");

  /** The most image output tokens one image may take: gpt-image's 1536x1024 at high quality. */
  static final long IMAGE_MAX_OUTPUT_TOKENS = 6240;

  /** Which rate a bound prices its tokens at. */
  private enum Kind {
    TEXT,
    REASONING,
    AUDIO,
    IMAGE
  }

  /**
   * The largest possible cost of a request, or null when its model has no price: its input at its
   * largest (one token per UTF-8 byte of the whole request as stored, plus 4 per message) and its
   * output cap for each of its {@code n} choices, at the highest of the model's input rates and of
   * its output rates.
   */
  private @Nullable BigDecimal largest(
      GenerationRequest request, @Nullable String provider, String id, Instant now) {
    long input = inputBound(request);
    Integer max = request.maxOutputTokens();
    long perChoice =
        request.kind() == GenerationKind.IMAGE
            ? Math.max(max == null ? 0 : max, IMAGE_MAX_OUTPUT_TOKENS)
            : max == null ? budgets.defaultMaxOutputTokens() : max;
    long output = perChoice * Math.max(1, request.n() == null ? 1 : request.n());
    BigDecimal most = null;
    for (Kind in : List.of(Kind.TEXT, Kind.AUDIO, Kind.IMAGE)) {
      for (Kind out : Kind.values()) {
        BigDecimal cost = costOf(request, provider, id, now, input, in, output, out);
        if (cost == null && in == Kind.TEXT && out == Kind.TEXT) {
          return null;
        }
        if (cost != null && (most == null || cost.compareTo(most) > 0)) {
          most = cost;
        }
      }
    }
    return most;
  }

  private static long inputBound(GenerationRequest request) {
    return RecordJson.request(request).getBytes(StandardCharsets.UTF_8).length
        + PER_MESSAGE * (request.conversation().size() + 1);
  }

  /** The cost of {@code input} and {@code output} tokens of the given kinds, or null. */
  private @Nullable BigDecimal costOf(
      GenerationRequest request,
      @Nullable String provider,
      String id,
      Instant now,
      long input,
      Kind in,
      long output,
      Kind out) {
    Usage.Builder usage = Usage.builder().inputTokens(input).outputTokens(output);
    if (in == Kind.AUDIO) {
      usage.audioInputTokens(input);
    } else if (in == Kind.IMAGE) {
      usage.imageInputTokens(input);
    }
    switch (out) {
      case REASONING -> usage.reasoningTokens(output);
      case AUDIO -> usage.audioOutputTokens(output);
      case IMAGE -> usage.imageOutputTokens(output);
      default -> {}
    }
    Generation most =
        Generation.builder()
            .id(id)
            .request(request)
            .provider(provider)
            .createdAt(now)
            .updatedAt(now)
            .status(GenerationStatus.COMPLETE)
            .usage(usage.build())
            .build();
    Cost cost = costs.cost(most);
    return cost == null ? null : cost.usd();
  }

  /**
   * Replaces a generation's reservation by what it cost. A known cost is what it cost. A complete
   * generation whose cost is unknown (no usage reported, or not priceable) counts its whole
   * reservation. A failed one reports no usage: when text had arrived, the provider bills for it,
   * and what it may bill is counted (the input at its largest, one token per UTF-8 byte of the
   * text), at most its reservation; when none had, nothing is.
   */
  void settle(Generation ended) {
    if (budgets == null) {
      return;
    }
    try {
      BigDecimal actual;
      if (ended.cost() != null) {
        actual = ended.cost().usd();
      } else if (ended.status() == GenerationStatus.COMPLETE) {
        actual = budgets.ledger().reservation(ended.id()).orElse(BigDecimal.ZERO);
      } else if (ended.status() == GenerationStatus.ERROR && !ended.text().isEmpty()) {
        BigDecimal partial =
            costOf(
                ended.request(),
                ended.provider(),
                ended.id(),
                ended.createdAt(),
                inputBound(ended.request()),
                Kind.TEXT,
                ended.text().getBytes(StandardCharsets.UTF_8).length,
                Kind.TEXT);
        BigDecimal held = budgets.ledger().reservation(ended.id()).orElse(null);
        actual = partial == null ? BigDecimal.ZERO : partial;
        if (held != null && actual.compareTo(held) > 0) {
          actual = held;
        }
      } else {
        actual = BigDecimal.ZERO;
      }
      budgets.ledger().settle(ended.id(), actual);
    } catch (RuntimeException e) {
      log.warn(
          "settling the budget reservation of generation {} failed; a sweep settles it later: {}",
          ended.id(),
          e.toString());
    }
  }

  /** Releases a reservation whose generation never started (its row was not written). */
  void release(String id) {
    if (budgets == null) {
      return;
    }
    try {
      budgets.ledger().settle(id, BigDecimal.ZERO);
    } catch (RuntimeException e) {
      log.warn("releasing the budget reservation of {} failed; a sweep releases it: {}", id, e);
    }
  }

  /**
   * Settles the reservations made before {@code before} whose generation has ended or has no row:
   * those a dead process, or a failed settle, left behind. A live generation keeps its own.
   *
   * @return how many were settled
   */
  int reconcile(GenerationStore store, Instant before) {
    if (budgets == null) {
      return 0;
    }
    int settled = 0;
    for (String id : budgets.ledger().reservedBefore(before, 1000)) {
      Optional<Generation> row = store.find(id);
      if (row.isPresent() && !row.get().isTerminal()) {
        continue;
      }
      if (row.isPresent()) {
        settle(row.get());
      } else {
        budgets.ledger().settle(id, BigDecimal.ZERO);
      }
      settled++;
    }
    return settled;
  }

  /** Where each budget of a user (and tenant) stands now. */
  List<BudgetStatus> status(@Nullable String userId, @Nullable String tenantId, Instant now) {
    List<BudgetStatus> all = new ArrayList<>();
    if (budgets == null) {
      return all;
    }
    for (Budget b : budgets.budgets()) {
      String owner = b.scope() == Budget.Scope.USER ? userId : tenantId;
      if (owner == null) {
        continue;
      }
      BudgetLedger.Counter c = budgets.ledger().counter(b.counterKey(userId, tenantId, now));
      all.add(new BudgetStatus(b, owner, b.resetsAt(now), c.spent(), c.reserved()));
    }
    return all;
  }
}
