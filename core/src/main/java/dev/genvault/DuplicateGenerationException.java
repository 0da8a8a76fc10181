package dev.genvault;

/** A store was asked to insert a generation whose ID it already holds. Never retryable. */
public class DuplicateGenerationException extends PersistenceException {
  private static final long serialVersionUID = 1L;

  /** The ID that already exists. */
  public DuplicateGenerationException(String generationId) {
    super("a generation with ID " + generationId + " already exists", generationId, false, null);
  }
}
