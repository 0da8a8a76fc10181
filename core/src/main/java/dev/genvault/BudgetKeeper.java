package dev.genvault;

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

  /**
   * Reserves the largest possible cost of a generation on every budget that applies to it.
   *
   * @throws BudgetExceededException if one would go over (nothing reserved)
   * @throws IllegalStateException for a model without a price, unless allowed
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
    Integer max = request.maxOutputTokens();
    BigDecimal most =
        costOf(request, provider, id, now, max == null ? budgets.defaultMaxOutputTokens() : max);
    if (most == null) {
      if (budgets.allowUnpriced()) {
        return;
      }
      throw new IllegalStateException(
          "model '"
              + request.model()
              + "' has no price, so no budget can bound it: price it (Pricing.builder().override)"
              + " or allow it (Budgets.builder().allowUnpriced(true))");
    }
    List<BudgetLedger.Charge> charges = new ArrayList<>();
    for (Budget b : applying) {
      charges.add(new BudgetLedger.Charge(b.counterKey(request, now), b.limit(), most));
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

  /**
   * The cost of the request's input at its largest and {@code output} tokens, or null when its
   * model has no price.
   */
  private @Nullable BigDecimal costOf(
      GenerationRequest request, @Nullable String provider, String id, Instant now, long output) {
    long input = 0;
    for (Message m : request.conversation()) {
      input += m.content().getBytes(StandardCharsets.UTF_8).length + PER_MESSAGE;
    }
    Usage.Builder usage = Usage.builder().inputTokens(input).outputTokens(output);
    if (request.kind() == GenerationKind.IMAGE) {
      usage.imageOutputTokens(output);
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
   * Replaces a generation's reservation by its cost. A failed one reports no usage: when text had
   * arrived, the provider bills for it, and what it may bill is counted (the input at its largest,
   * one token per UTF-8 byte of the text); when none had, nothing is.
   */
  void settle(Generation ended) {
    if (budgets == null) {
      return;
    }
    BigDecimal actual = ended.cost() == null ? BigDecimal.ZERO : ended.cost().usd();
    if (ended.cost() == null
        && ended.status() == GenerationStatus.ERROR
        && !ended.text().isEmpty()) {
      try {
        BigDecimal partial =
            costOf(
                ended.request(),
                ended.provider(),
                ended.id(),
                ended.createdAt(),
                ended.text().getBytes(StandardCharsets.UTF_8).length);
        actual = partial == null ? BigDecimal.ZERO : partial;
      } catch (RuntimeException e) {
        log.warn("pricing the partial text of generation {} failed: {}", ended.id(), e.toString());
      }
    }
    try {
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
    for (String id : budgets.ledger().reservedBefore(before, 100)) {
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
