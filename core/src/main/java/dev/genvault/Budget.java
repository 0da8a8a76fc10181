package dev.genvault;

import java.math.BigDecimal;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.Objects;

/**
 * A spending limit: so many US dollars per user or per tenant, per day or per month, in a time zone
 * (UTC unless given). Immutable.
 *
 * <pre>{@code
 * Budget.perUser("5.00", Budget.Period.DAY)                   // $5 a day for each user
 * Budget.perTenant("1000", Budget.Period.MONTH).zone(ZoneId.of("Europe/Paris"))
 * }</pre>
 */
public final class Budget {
  /** Whose spending a budget limits. */
  public enum Scope {
    /** Each user's, within their tenant: requests without a user are not limited by it. */
    USER,
    /** Each tenant's: requests without a tenant are not limited by it. */
    TENANT
  }

  /** How long a budget's period lasts: it starts again at the next midnight or first of month. */
  public enum Period {
    /** A calendar day. */
    DAY,
    /** A calendar month. */
    MONTH
  }

  /** The largest limit: what a ledger keeping 10⁻¹² dollars in 64 bits can hold. */
  public static final BigDecimal MAX_LIMIT = new BigDecimal("1000000");

  private final Scope scope;
  private final BigDecimal limit;
  private final Period period;
  private final ZoneId zone;

  private Budget(Scope scope, BigDecimal limit, Period period, ZoneId zone) {
    this.scope = Objects.requireNonNull(scope, "scope");
    this.limit = Objects.requireNonNull(limit, "limit");
    this.period = Objects.requireNonNull(period, "period");
    this.zone = Objects.requireNonNull(zone, "zone");
    if (limit.signum() < 0 || limit.compareTo(MAX_LIMIT) > 0) {
      throw new IllegalArgumentException("a limit is 0 to " + MAX_LIMIT + " dollars: " + limit);
    }
  }

  /** A limit for each user, in dollars (e.g. {@code "5.00"}). */
  public static Budget perUser(String usd, Period period) {
    return new Budget(Scope.USER, new BigDecimal(usd), period, ZoneOffset.UTC);
  }

  /** A limit for each tenant, in dollars. */
  public static Budget perTenant(String usd, Period period) {
    return new Budget(Scope.TENANT, new BigDecimal(usd), period, ZoneOffset.UTC);
  }

  /** This budget with its periods starting at midnight in {@code zone}. */
  public Budget zone(ZoneId zone) {
    return new Budget(scope, limit, period, zone);
  }

  /** Whose spending it limits. */
  public Scope scope() {
    return scope;
  }

  /** The limit in dollars. */
  public BigDecimal limit() {
    return limit;
  }

  /** The period. */
  public Period period() {
    return period;
  }

  /** The time zone of its periods. */
  public ZoneId zone() {
    return zone;
  }

  /** The first day of the period that holds {@code at}. */
  LocalDate periodStart(Instant at) {
    LocalDate day = at.atZone(zone).toLocalDate();
    return period == Period.DAY ? day : day.withDayOfMonth(1);
  }

  /** When the period that holds {@code at} ends: the next one starts. */
  Instant resetsAt(Instant at) {
    LocalDate start = periodStart(at);
    LocalDate next = period == Period.DAY ? start.plusDays(1) : start.plusMonths(1);
    return ZonedDateTime.of(next.atStartOfDay(), zone).toInstant();
  }

  /** The owner it applies to in a request, or null when the request has none. */
  @org.jspecify.annotations.Nullable
  String owner(GenerationRequest request) {
    return scope == Scope.USER ? request.userId() : request.tenantId();
  }

  /** The counter of an owner's period: scope, tenant, owner, period and its first day. */
  String counterKey(GenerationRequest request, Instant at) {
    return counterKey(request.userId(), request.tenantId(), at);
  }

  String counterKey(
      @org.jspecify.annotations.Nullable String userId,
      @org.jspecify.annotations.Nullable String tenantId,
      Instant at) {
    String tenant = tenantId == null ? "" : tenantId;
    String owner = scope == Scope.USER ? "|" + userId : "";
    return scope.name().toLowerCase(java.util.Locale.ROOT)
        + "|"
        + tenant.length()
        + ":"
        + tenant
        + owner
        + "|"
        + period.name().toLowerCase(java.util.Locale.ROOT)
        + "|"
        + periodStart(at)
        + "|"
        + zone.normalized().getId(); // not the limit: a changed limit keeps what was spent
  }

  @Override
  public boolean equals(@org.jspecify.annotations.Nullable Object o) {
    return o instanceof Budget b
        && scope == b.scope
        && limit.compareTo(b.limit) == 0
        && period == b.period
        && zone.equals(b.zone);
  }

  @Override
  public int hashCode() {
    return Objects.hash(scope, limit.stripTrailingZeros(), period, zone);
  }

  @Override
  public String toString() {
    return "$"
        + limit.toPlainString()
        + " a "
        + period.name().toLowerCase(java.util.Locale.ROOT)
        + " per "
        + scope.name().toLowerCase(java.util.Locale.ROOT)
        + (zone.equals(ZoneOffset.UTC) ? "" : " (" + zone.getId() + ")");
  }
}
