package dev.genvault;

import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * One page of a listing and the cursor to the next one.
 *
 * @param items the items, in the listing's order
 * @param nextCursor the opaque cursor of the next page, or null when this is the last
 * @param <T> the item type
 */
public record Page<T>(List<T> items, @Nullable String nextCursor) {

  /** Copies the items. */
  public Page {
    items = List.copyOf(items);
  }

  /** The cursor of the next page, if there is one. */
  public Optional<String> next() {
    return Optional.ofNullable(nextCursor);
  }
}
