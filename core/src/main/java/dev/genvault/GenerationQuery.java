package dev.genvault;

import dev.genvault.spi.PageCursor;
import java.time.Instant;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Filters and a page size for {@link dev.genvault.spi.GenerationStore#list}: generations newest
 * first ({@code createdAt} descending, then ID descending), matching every filter that is set.
 * Immutable.
 */
public final class GenerationQuery {
  /** Largest page a store must return. */
  public static final int MAX_LIMIT = 1000;

  private final @Nullable String userId;
  private final @Nullable String tenantId;
  private final @Nullable String model;
  private final @Nullable GenerationStatus status;
  private final @Nullable Instant createdFrom;
  private final @Nullable Instant createdBefore;
  private final @Nullable String threadId;
  private final boolean lastTurnsOnly;
  private final int limit;
  private final @Nullable PageCursor after;

  private GenerationQuery(Builder b) {
    this.userId = b.userId;
    this.tenantId = b.tenantId;
    this.model = b.model;
    this.status = b.status;
    this.createdFrom = b.createdFrom;
    this.createdBefore = b.createdBefore;
    this.threadId = b.threadId;
    this.lastTurnsOnly = b.lastTurnsOnly;
    this.limit = b.limit;
    this.after = b.after;
  }

  /** A builder for a query with no filter and a page of 50. */
  public static Builder builder() {
    return new Builder();
  }

  /** Only this user's generations. */
  public Optional<String> userId() {
    return Optional.ofNullable(userId);
  }

  /** Only this tenant's generations. */
  public Optional<String> tenantId() {
    return Optional.ofNullable(tenantId);
  }

  /** Only generations that requested exactly this model. */
  public Optional<String> model() {
    return Optional.ofNullable(model);
  }

  /** Only generations in this status. */
  public Optional<GenerationStatus> status() {
    return Optional.ofNullable(status);
  }

  /** Only generations created at or after this instant. */
  public Optional<Instant> createdFrom() {
    return Optional.ofNullable(createdFrom);
  }

  /** Only generations created strictly before this instant. */
  public Optional<Instant> createdBefore() {
    return Optional.ofNullable(createdBefore);
  }

  /**
   * Only the generations of this thread ({@link Generation#threadId()}): its first generation and
   * every generation that continues it, directly or not.
   */
  public Optional<String> threadId() {
    return Optional.ofNullable(threadId);
  }

  /**
   * Whether only the last turn of each thread is listed: generations that no other continues, so
   * that a history shows one row per conversation (one per branch where a turn was asked again).
   */
  public boolean lastTurnsOnly() {
    return lastTurnsOnly;
  }

  /** The page size, 1 to {@link #MAX_LIMIT}. */
  public int limit() {
    return limit;
  }

  /** Start after this position (from the previous page's cursor). */
  public Optional<PageCursor> after() {
    return Optional.ofNullable(after);
  }

  /** Builds a {@link GenerationQuery}. */
  public static final class Builder {
    private @Nullable String userId;
    private @Nullable String tenantId;
    private @Nullable String model;
    private @Nullable GenerationStatus status;
    private @Nullable Instant createdFrom;
    private @Nullable Instant createdBefore;
    private @Nullable String threadId;
    private boolean lastTurnsOnly;
    private int limit = 50;
    private @Nullable PageCursor after;

    private Builder() {}

    /** Only this user's generations. */
    public Builder userId(@Nullable String userId) {
      this.userId = userId;
      return this;
    }

    /** Only this tenant's generations. */
    public Builder tenantId(@Nullable String tenantId) {
      this.tenantId = tenantId;
      return this;
    }

    /** Only generations that requested exactly this model. */
    public Builder model(@Nullable String model) {
      this.model = model;
      return this;
    }

    /** Only generations in this status. */
    public Builder status(@Nullable GenerationStatus status) {
      this.status = status;
      return this;
    }

    /** Only generations created at or after this instant. */
    public Builder createdFrom(@Nullable Instant createdFrom) {
      this.createdFrom = createdFrom;
      return this;
    }

    /** Only generations created strictly before this instant. */
    public Builder createdBefore(@Nullable Instant createdBefore) {
      this.createdBefore = createdBefore;
      return this;
    }

    /** Only the generations of this thread (see {@link GenerationQuery#threadId()}). */
    public Builder threadId(@Nullable String threadId) {
      this.threadId = threadId;
      return this;
    }

    /** Only the last turn of each thread (see {@link GenerationQuery#lastTurnsOnly()}). */
    public Builder lastTurnsOnly(boolean lastTurnsOnly) {
      this.lastTurnsOnly = lastTurnsOnly;
      return this;
    }

    /** The page size, 1 to {@link #MAX_LIMIT}. */
    public Builder limit(int limit) {
      if (limit < 1 || limit > MAX_LIMIT) {
        throw new IllegalArgumentException(
            "limit must be between 1 and " + MAX_LIMIT + ": " + limit);
      }
      this.limit = limit;
      return this;
    }

    /** Continue from a previous page's {@link Page#nextCursor()}; null starts at the newest. */
    public Builder cursor(@Nullable String cursor) {
      this.after = cursor == null ? null : PageCursor.decode(cursor);
      return this;
    }

    /** The query. */
    public GenerationQuery build() {
      return new GenerationQuery(this);
    }
  }
}
