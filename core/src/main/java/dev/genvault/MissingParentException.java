package dev.genvault;

import org.jspecify.annotations.Nullable;

/**
 * A store refused a continuation because the generation it continues does not exist: it was deleted
 * after the parent was found (by another process, or through the store directly). Nothing was
 * written; the same generation written whole, without the parent ({@link
 * ThreadLink#withoutParent()}), succeeds. The generator does exactly that, so its callers never see
 * this exception. Not retryable as it is.
 */
public final class MissingParentException extends PersistenceException {
  private static final long serialVersionUID = 1L;

  /** The continuation {@code generationId} names a parent that is gone. */
  public MissingParentException(String generationId, @Nullable Throwable cause) {
    super(
        "generation "
            + generationId
            + " continues a generation that no longer exists (deleted meanwhile); write it whole",
        generationId,
        false,
        cause);
  }
}
