package dev.genvault;

import org.jspecify.annotations.Nullable;

/**
 * The options of an image request, as the provider expects them.
 *
 * @param size e.g. {@code 1024x1024}, or null for the provider's default
 * @param quality e.g. {@code high}, or null for the provider's default
 */
public record ImageOptions(@Nullable String size, @Nullable String quality) {
  /** The provider's defaults. */
  public static final ImageOptions DEFAULT = new ImageOptions(null, null);
}
