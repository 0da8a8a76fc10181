package dev.genvault;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Whose a generation is: its ID with the user and tenant of its request, and nothing else. What an
 * access check reads before the record itself ({@link dev.genvault.spi.GenerationStore#owner}).
 * Immutable.
 *
 * @param id the generation's ID
 * @param userId the user it was made for, if the request named one
 * @param tenantId the user's tenant, if the request named one
 */
public record GenerationOwner(String id, @Nullable String userId, @Nullable String tenantId) {

  /** Checks that the ID is present. */
  public GenerationOwner {
    Objects.requireNonNull(id, "id");
  }

  /** The owner of a generation record. */
  public static GenerationOwner of(Generation generation) {
    return new GenerationOwner(generation.id(), generation.userId(), generation.tenantId());
  }
}
