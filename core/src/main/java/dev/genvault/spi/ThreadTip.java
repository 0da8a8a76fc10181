package dev.genvault.spi;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What the generator needs to know of a generation to continue it: who it belongs to, its thread
 * and its thread hash ({@link Threads#hashOf}), without its text or request.
 *
 * @param id the generation's ID
 * @param threadId the ID of its thread's first generation (its own ID if it continues nothing)
 * @param userId its user, or null
 * @param tenantId its tenant, or null
 * @param threadHash its thread hash, or null if it cannot be continued
 */
public record ThreadTip(
    String id,
    String threadId,
    @Nullable String userId,
    @Nullable String tenantId,
    @Nullable String threadHash) {

  /** Checks the IDs. */
  public ThreadTip {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(threadId, "threadId");
  }
}
