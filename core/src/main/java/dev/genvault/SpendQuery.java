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

  /** The end of {@link #ofThread}'s range: every store can hold it. */
  private static final Instant ALL_TIME = Instant.parse("9999-12-31T00:00:00Z");

  private final Instant createdFrom;
  private final Instant createdBefore;
  private final Set<Dimension> groupBy;
  private final @Nullable String userId;
  private final @Nullable String tenantId;
  private final @Nullable String threadId;

  private SpendQuery(
      Instant createdFrom,
      Instant createdBefore,
      Set<Dimension> groupBy,
      @Nullable String userId,
      @Nullable String tenantId,
      @Nullable String threadId) {
    this.createdFrom = Objects.requireNonNull(createdFrom, "createdFrom");
    this.createdBefore = Objects.requireNonNull(createdBefore, "createdBefore");
    if (!createdFrom.isBefore(createdBefore)) {
      throw new IllegalArgumentException("createdFrom must be before createdBefore");
    }
    this.groupBy = groupBy.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(groupBy));
    this.userId = userId;
    this.tenantId = tenantId;
    this.threadId = threadId;
  }

  /**
   * Everything created in {@code [createdFrom, createdBefore)}, grouped by the given dimensions
   * (none: one grand total).
   *
   * @throws IllegalArgumentException unless {@code createdFrom} is before {@code createdBefore}
   */
  public static SpendQuery between(
      Instant createdFrom, Instant createdBefore, Dimension... groupBy) {
    return new SpendQuery(createdFrom, createdBefore, Set.of(groupBy), null, null, null);
  }

  /**
   * The totals of one thread, whenever its turns were made: one row (none if the thread has no
   * generation), grouped by the given dimensions.
   */
  public static SpendQuery ofThread(String threadId, Dimension... groupBy) {
    return between(Instant.EPOCH, ALL_TIME, groupBy).forThread(threadId);
  }

  /** This query limited to one user. */
  public SpendQuery forUser(String userId) {
    Objects.requireNonNull(userId, "userId");
    return new SpendQuery(createdFrom, createdBefore, groupBy, userId, tenantId, threadId);
  }

  /** This query limited to one tenant. */
  public SpendQuery forTenant(String tenantId) {
    Objects.requireNonNull(tenantId, "tenantId");
    return new SpendQuery(createdFrom, createdBefore, groupBy, userId, tenantId, threadId);
  }

  /** This query limited to one thread (see {@link GenerationQuery#threadId()}). */
  public SpendQuery forThread(String threadId) {
    Objects.requireNonNull(threadId, "threadId");
    return new SpendQuery(createdFrom, createdBefore, groupBy, userId, tenantId, threadId);
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

  /** Only this thread's generations, if set. */
  public Optional<String> threadId() {
    return Optional.ofNullable(threadId);
  }

  @Override
  public boolean equals(@Nullable Object o) {
    return o instanceof SpendQuery q
        && createdFrom.equals(q.createdFrom)
        && createdBefore.equals(q.createdBefore)
        && groupBy.equals(q.groupBy)
        && Objects.equals(userId, q.userId)
        && Objects.equals(tenantId, q.tenantId)
        && Objects.equals(threadId, q.threadId);
  }

  @Override
  public int hashCode() {
    return Objects.hash(createdFrom, createdBefore, groupBy, userId, tenantId, threadId);
  }

  @Override
  public String toString() {
    return "SpendQuery{" + createdFrom + ".." + createdBefore + ", groupBy=" + groupBy + '}';
  }
}
