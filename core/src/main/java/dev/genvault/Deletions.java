package dev.genvault;

import java.util.Objects;
import java.util.Optional;

/** Deletion of generations with their files. */
final class Deletions {
  private final GeneratorState s;

  Deletions(GeneratorState s) {
    this.s = s;
  }

  /**
   * Deletes a generation: its files from the blob store, then its row and chunks.
   *
   * @return true if it existed
   */
  boolean delete(String id) {
    Optional<Generation> found = s.store.find(id);
    if (found.isEmpty()) {
      return false;
    }
    deleteFiles(found.get());
    return s.store.delete(id);
  }

  /**
   * Deletes every generation of a user, with their files.
   *
   * @return how many generations were deleted
   */
  int deleteUser(String userId) {
    Objects.requireNonNull(userId, "userId");
    String cursor = null;
    do {
      Page<Generation> page =
          s.store.list(GenerationQuery.builder().userId(userId).limit(500).cursor(cursor).build());
      page.items().forEach(this::deleteFiles);
      cursor = page.nextCursor();
    } while (cursor != null);
    return s.store.deleteByUser(userId);
  }

  private void deleteFiles(Generation g) {
    for (BlobRef ref : g.blobs()) {
      s.blobs.delete(ref.key());
    }
  }
}
