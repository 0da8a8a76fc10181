package dev.genvault;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What to sum for {@link dev.genvault.spi.GenerationStore#spend}: generations created in {@code
 * [from, to)}, optionally of one user or tenant, grouped by any of user, model (as requested) and
 * UTC day.
 *
 * @param from start of the range, inclusive
 * @param to end of the range, exclusive
 * @param groupBy the dimensions to group by; empty for one grand total
 * @param userId only this user's generations, or null
 * @param tenantId only this tenant's generations, or null
 */
public record SpendQuery(
    Instant from,
    Instant to,
    Set<Dimension> groupBy,
    @Nullable String userId,
    @Nullable String tenantId) {

  /** A grouping dimension. */
  public enum Dimension {
    /** Group by user ID. */
    USER,
    /** Group by requested model. */
    MODEL,
    /** Group by the UTC calendar day of {@code createdAt}. */
    DAY
  }

  /** Checks the fields. */
  public SpendQuery {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    if (!from.isBefore(to)) {
      throw new IllegalArgumentException("from must be before to");
    }
    groupBy = groupBy.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(groupBy));
  }

  /** Everything in {@code [from, to)} grouped by the given dimensions. */
  public static SpendQuery between(Instant from, Instant to, Dimension... groupBy) {
    return new SpendQuery(from, to, Set.of(groupBy), null, null);
  }

  /** This query limited to one user. */
  public SpendQuery forUser(String userId) {
    return new SpendQuery(from, to, groupBy, userId, tenantId);
  }

  /** This query limited to one tenant. */
  public SpendQuery forTenant(String tenantId) {
    return new SpendQuery(from, to, groupBy, userId, tenantId);
  }

  /** The user filter, if any. */
  public Optional<String> user() {
    return Optional.ofNullable(userId);
  }

  /** The tenant filter, if any. */
  public Optional<String> tenant() {
    return Optional.ofNullable(tenantId);
  }
}
