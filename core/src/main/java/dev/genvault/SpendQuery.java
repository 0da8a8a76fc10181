package dev.genvault;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * What to sum for {@link dev.genvault.spi.GenerationStore#spend}: generations created in {@code
 * [createdFrom, createdBefore)}, optionally of one user or tenant, grouped by any of user, model
 * (as requested) and UTC day. Its conventions are {@link GenerationQuery}'s: the same names for the
 * same filters, and {@link Optional} for a filter that is not set. Immutable.
 */
public final class SpendQuery {
  /** A grouping dimension. */
  public enum Dimension {
    /** Group by user ID. */
    USER,
    /** Group by requested model. */
    MODEL,
    /** Group by the UTC calendar day of {@code createdAt}. */
    DAY
  }

  private final Instant createdFrom;
  private final Instant createdBefore;
  private final Set<Dimension> groupBy;
  private final @Nullable String userId;
  private final @Nullable String tenantId;

  private SpendQuery(
      Instant createdFrom,
      Instant createdBefore,
      Set<Dimension> groupBy,
      @Nullable String userId,
      @Nullable String tenantId) {
    this.createdFrom = Objects.requireNonNull(createdFrom, "createdFrom");
    this.createdBefore = Objects.requireNonNull(createdBefore, "createdBefore");
    if (!createdFrom.isBefore(createdBefore)) {
      throw new IllegalArgumentException("createdFrom must be before createdBefore");
    }
    this.groupBy = groupBy.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(groupBy));
    this.userId = userId;
    this.tenantId = tenantId;
  }

  /**
   * Everything created in {@code [createdFrom, createdBefore)}, grouped by the given dimensions
   * (none: one grand total).
   *
   * @throws IllegalArgumentException unless {@code createdFrom} is before {@code createdBefore}
   */
  public static SpendQuery between(
      Instant createdFrom, Instant createdBefore, Dimension... groupBy) {
    return new SpendQuery(createdFrom, createdBefore, Set.of(groupBy), null, null);
  }

  /** This query limited to one user. */
  public SpendQuery forUser(String userId) {
    Objects.requireNonNull(userId, "userId");
    return new SpendQuery(createdFrom, createdBefore, groupBy, userId, tenantId);
  }

  /** This query limited to one tenant. */
  public SpendQuery forTenant(String tenantId) {
    Objects.requireNonNull(tenantId, "tenantId");
    return new SpendQuery(createdFrom, createdBefore, groupBy, userId, tenantId);
  }

  /** Start of the range, inclusive. */
  public Instant createdFrom() {
    return createdFrom;
  }

  /** End of the range, exclusive. */
  public Instant createdBefore() {
    return createdBefore;
  }

  /** The dimensions to group by; empty for one grand total. */
  public Set<Dimension> groupBy() {
    return groupBy;
  }

  /** Only this user's generations, if set. */
  public Optional<String> userId() {
    return Optional.ofNullable(userId);
  }

  /** Only this tenant's generations, if set. */
  public Optional<String> tenantId() {
    return Optional.ofNullable(tenantId);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof SpendQuery q
        && createdFrom.equals(q.createdFrom)
        && createdBefore.equals(q.createdBefore)
        && groupBy.equals(q.groupBy)
        && Objects.equals(userId, q.userId)
        && Objects.equals(tenantId, q.tenantId);
  }

  @Override
  public int hashCode() {
    return Objects.hash(createdFrom, createdBefore, groupBy, userId, tenantId);
  }

  @Override
  public String toString() {
    return "SpendQuery{" + createdFrom + ".." + createdBefore + ", groupBy=" + groupBy + '}';
  }
}
