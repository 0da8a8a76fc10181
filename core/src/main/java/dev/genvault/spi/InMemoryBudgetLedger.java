package dev.genvault.spi;

import java.math.BigDecimal;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/** {@link BudgetLedger#inMemory()}: exact amounts, one lock; settled reservations are kept. */
final class InMemoryBudgetLedger implements BudgetLedger {
  /** A generation's reservation, and what it was settled at (null while open). */
  private static final class Held {
    final List<Charge> charges;
    final Instant at;
    BigDecimal settled;

    Held(List<Charge> charges, Instant at) {
      this.charges = charges;
      this.at = at;
    }
  }

  private final Map<String, BigDecimal[]> counters = new HashMap<>();
  private final Map<String, Held> reservations = new HashMap<>();

  @Override
  public synchronized Optional<Counter> reserve(
      String generationId, List<Charge> charges, Instant at) {
    Objects.requireNonNull(generationId, "generationId");
    Objects.requireNonNull(at, "at");
    if (reservations.containsKey(generationId)) {
      return Optional.empty();
    }
    BudgetLedger.checkDistinct(charges);
    for (Charge c : charges) {
      BigDecimal[] n = counters.getOrDefault(c.key(), zero());
      if (n[0].add(n[1]).add(c.amount()).compareTo(c.limit()) > 0) {
        return Optional.of(new Counter(c.key(), plain(n[0]), plain(n[1])));
      }
    }
    for (Charge c : charges) {
      BigDecimal[] n = counters.computeIfAbsent(c.key(), k -> zero());
      n[1] = n[1].add(c.amount());
    }
    reservations.put(generationId, new Held(List.copyOf(charges), at));
    return Optional.empty();
  }

  @Override
  public synchronized void settle(String generationId, BigDecimal actualCost) {
    Objects.requireNonNull(actualCost, "actualCost");
    Held held = reservations.get(Objects.requireNonNull(generationId, "generationId"));
    if (held == null) {
      return;
    }
    for (Charge c : held.charges) {
      BigDecimal[] n = counters.computeIfAbsent(c.key(), k -> zero());
      if (held.settled == null) {
        n[0] = n[0].add(actualCost);
        n[1] = n[1].subtract(c.amount());
      } else if (actualCost.compareTo(held.settled) > 0) {
        n[0] = n[0].add(actualCost.subtract(held.settled));
      }
    }
    if (held.settled == null || actualCost.compareTo(held.settled) > 0) {
      held.settled = actualCost;
    }
  }

  @Override
  public synchronized Optional<BigDecimal> reservation(String generationId) {
    Held held = reservations.get(Objects.requireNonNull(generationId, "generationId"));
    return held == null || held.charges.isEmpty()
        ? Optional.empty()
        : Optional.of(plain(held.charges.get(0).amount()));
  }

  @Override
  public synchronized Counter counter(String key) {
    BigDecimal[] n = counters.getOrDefault(Objects.requireNonNull(key, "key"), zero());
    return new Counter(key, plain(n[0]), plain(n[1]));
  }

  @Override
  public synchronized List<String> reservedBefore(Instant before, int limit) {
    Instant forgotten = before.minus(java.time.Duration.ofDays(2));
    reservations.values().removeIf(h -> h.settled != null && h.at.isBefore(forgotten));
    List<Map.Entry<String, Held>> old = new ArrayList<>();
    for (Map.Entry<String, Held> e : reservations.entrySet()) {
      if (e.getValue().settled == null && e.getValue().at.isBefore(before)) {
        old.add(e);
      }
    }
    old.sort(Comparator.comparing(e -> e.getValue().at));
    return old.stream().limit(limit).map(Map.Entry::getKey).toList();
  }

  private static BigDecimal plain(BigDecimal usd) {
    return usd.signum() == 0 ? BigDecimal.ZERO : usd.stripTrailingZeros();
  }

  private static BigDecimal[] zero() {
    return new BigDecimal[] {BigDecimal.ZERO, BigDecimal.ZERO};
  }
}
