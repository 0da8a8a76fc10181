package dev.genvault.examples;

import dev.genvault.Budget;
import dev.genvault.Budgets;
import dev.genvault.PersistentGenerator;
import dev.genvault.cost.Pricing;
import dev.genvault.jdbc.JdbcBudgetLedger;
import dev.genvault.jdbc.JdbcGenerationStore;
import java.math.BigDecimal;
import java.net.URI;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@link ProductionWiring}'s prices and budgets, read from the environment and checked before any
 * server starts: {@code GENVAULT_PRICES_URL} and {@code GENVAULT_PRICES_REFRESH_HOURS}, {@code
 * GENVAULT_BUDGET_USER_DAY}, {@code GENVAULT_BUDGET_TENANT_MONTH} and {@code GENVAULT_BUDGET_ZONE}.
 */
final class CostSettings {
  private final Pricing.Builder pricing;
  private final List<Budget> budgets;

  private CostSettings(Pricing.Builder pricing, List<Budget> budgets) {
    this.pricing = pricing;
    this.budgets = budgets;
  }

  /**
   * The settings the environment gives.
   *
   * @throws IllegalArgumentException for a malformed one, without repeating its value
   */
  static CostSettings parse(Map<String, String> env) {
    ZoneId zone;
    try {
      zone = ZoneId.of(env.getOrDefault("GENVAULT_BUDGET_ZONE", "UTC").strip());
    } catch (DateTimeException e) {
      throw new IllegalArgumentException(
          "GENVAULT_BUDGET_ZONE must be a time zone like Europe/Paris or UTC", e);
    }
    List<Budget> budgets = new ArrayList<>();
    BigDecimal userDay = dollars(env, "GENVAULT_BUDGET_USER_DAY");
    if (userDay != null) {
      budgets.add(Budget.perUser(userDay.toPlainString(), Budget.Period.DAY).zone(zone));
    }
    BigDecimal tenantMonth = dollars(env, "GENVAULT_BUDGET_TENANT_MONTH");
    if (tenantMonth != null) {
      budgets.add(Budget.perTenant(tenantMonth.toPlainString(), Budget.Period.MONTH).zone(zone));
    }
    // The bundled table, the demo model's own price, and newer data when named.
    Pricing.Builder pricing = Quickstart.pricing();
    String url = env.get("GENVAULT_PRICES_URL");
    if (!ProductionWiring.blank(url)) {
      int hours = ProductionWiring.number(env, "GENVAULT_PRICES_REFRESH_HOURS", 6);
      if (hours < 1) {
        throw new IllegalArgumentException("GENVAULT_PRICES_REFRESH_HOURS must be 1 or more");
      }
      String where = url.strip();
      URI prices = where.contains("://") ? URI.create(where) : Path.of(where).toUri();
      pricing.prices(prices).refreshEvery(Duration.ofHours(hours)); // refuses other schemes
    }
    return new CostSettings(pricing, List.copyOf(budgets));
  }

  /** The prices; closing them stops their refreshes. */
  Pricing pricing() {
    return pricing.build();
  }

  /**
   * Sets the budgets, if any, counted in {@code store}'s database so every instance shares them.
   */
  void budgets(PersistentGenerator.Builder builder, JdbcGenerationStore store) {
    if (budgets.isEmpty()) {
      return;
    }
    Budgets.Builder b = Budgets.builder().ledger(JdbcBudgetLedger.create(store));
    budgets.forEach(b::add);
    builder.budgets(b.build());
  }

  /** A dollar amount from the environment, or null when not set. */
  private static @Nullable BigDecimal dollars(Map<String, String> env, String name) {
    String value = env.get(name);
    if (ProductionWiring.blank(value)) {
      return null;
    }
    try {
      BigDecimal usd = new BigDecimal(value.strip());
      if (usd.signum() < 0 || usd.compareTo(Budget.MAX_LIMIT) > 0) {
        throw new NumberFormatException("out of range");
      }
      return usd;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          name + " must be a dollar amount from 0 to " + Budget.MAX_LIMIT, e);
    }
  }
}
