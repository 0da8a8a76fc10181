package dev.genvault;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A generation ended in {@link GenerationStatus#ERROR}. The row is stored with the same {@link
 * #errorType()} and message and whatever text had arrived; {@link #generation()} is that record.
 */
public class GenerationFailedException extends GenvaultException {
  private static final long serialVersionUID = 1L;

  private final ErrorType errorType;
  private final transient @Nullable Generation generation;

  /** A failure of the given generation. */
  public GenerationFailedException(
      String generationId,
      ErrorType errorType,
      String message,
      @Nullable Generation generation,
      @Nullable Throwable cause) {
    super(
        "generation " + generationId + " failed (" + errorType.wireName() + "): " + message,
        Objects.requireNonNull(generationId, "generationId"),
        cause);
    this.errorType = errorType;
    this.generation = generation;
  }

  /** Why it failed. */
  public ErrorType errorType() {
    return errorType;
  }

  /** The failed record as stored (with the text that had arrived), when known. */
  public @Nullable Generation generation() {
    return generation;
  }

  @Override
  public String generationId() {
    return Objects.requireNonNull(super.generationId());
  }
}
