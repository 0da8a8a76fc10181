package dev.genvault.http;

/**
 * A {@link SubmissionPolicy}'s refusal: answered with its status and its message, which the caller
 * sees, so it must say nothing the caller should not know.
 */
public class SubmissionRefusedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;

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
  }

  /** The status it is answered with: 400 or 429. */
  public int status() {
    return status;
  }
}
