package dev.genvault.http;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * A {@link SubmissionPolicy}'s refusal: answered with its status and its message, which the caller
 * sees, so it must say nothing the caller should not know. A 429 may say when to try again: it is
 * answered with {@code Retry-After}.
 */
public class SubmissionRefusedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final @Nullable Duration retryAfter;

  /**
   * A refusal.
   *
   * @param status 400 (not allowed) or 429 (too many)
   * @param message what the caller is told
   * @throws IllegalArgumentException for another status
   */
  public SubmissionRefusedException(int status, String message) {
    super(message);
    if (status != 400 && status != 429) {
      throw new IllegalArgumentException("a refusal is 400 or 429, not " + status);
    }
    this.status = status;
    this.retryAfter = null;
  }

  /**
   * A 429 that says when to try again: answered with {@code Retry-After} in whole seconds, rounded
   * up.
   *
   * @param message what the caller is told
   * @param retryAfter how long the caller should wait, positive
   * @throws IllegalArgumentException if {@code retryAfter} is zero or negative
   */
  public SubmissionRefusedException(String message, Duration retryAfter) {
    super(message);
    Objects.requireNonNull(retryAfter, "retryAfter");
    if (retryAfter.isNegative() || retryAfter.isZero()) {
      throw new IllegalArgumentException("retryAfter must be positive: " + retryAfter);
    }
    this.status = 429;
    this.retryAfter = retryAfter;
  }

  /** The status it is answered with: 400 or 429. */
  public int status() {
    return status;
  }

  /** How long a refused caller should wait before trying again, if the policy said. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }
}
