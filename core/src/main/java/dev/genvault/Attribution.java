package dev.genvault;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Who a request is for, and what the application wants to find it by later. Stored on the record;
 * never sent to the provider and never part of the output (the tenant, and with {@link
 * CacheScope#USER} the user, still scope the dedup cache).
 *
 * @param userId who the generation is for, or null; at most {@value #MAX_ID_LENGTH} characters
 * @param tenantId the tenant the user belongs to, or null; cached results are never shared across
 *     tenants
 * @param metadata at most {@value #MAX_METADATA_ENTRIES} pairs, keys up to {@value
 *     #MAX_METADATA_KEY_LENGTH} and values up to {@value #MAX_METADATA_VALUE_LENGTH} characters
 */
public record Attribution(
    @Nullable String userId, @Nullable String tenantId, Map<String, String> metadata) {
  /** Most metadata pairs a request may carry. */
  public static final int MAX_METADATA_ENTRIES = 16;

  /** Longest metadata key, in characters. */
  public static final int MAX_METADATA_KEY_LENGTH = 64;

  /** Longest metadata value, in characters. */
  public static final int MAX_METADATA_VALUE_LENGTH = 512;

  /** Longest user or tenant ID, in characters. */
  public static final int MAX_ID_LENGTH = 256;

  /** Nobody in particular. */
  public static final Attribution NONE = new Attribution(null, null, Map.of());

  /**
   * Checks the IDs and the metadata limits; keeps the metadata's order.
   *
   * @throws IllegalArgumentException naming what is blank or over its limit
   */
  public Attribution {
    checkId("userId", userId);
    checkId("tenantId", tenantId);
    if (metadata.size() > MAX_METADATA_ENTRIES) {
      throw new IllegalArgumentException(
          "metadata has " + metadata.size() + " pairs, more than " + MAX_METADATA_ENTRIES);
    }
    for (Map.Entry<String, String> e : metadata.entrySet()) {
      if (e.getKey().isBlank() || e.getKey().length() > MAX_METADATA_KEY_LENGTH) {
        throw new IllegalArgumentException(
            "metadata key must be 1 to "
                + MAX_METADATA_KEY_LENGTH
                + " characters: '"
                + abbreviate(e.getKey())
                + "'");
      }
      if (e.getValue().length() > MAX_METADATA_VALUE_LENGTH) {
        throw new IllegalArgumentException(
            "metadata value for '"
                + e.getKey()
                + "' is "
                + e.getValue().length()
                + " characters, more than "
                + MAX_METADATA_VALUE_LENGTH);
      }
    }
    metadata = Collections.unmodifiableMap(new LinkedHashMap<>(metadata));
  }

  private static void checkId(String field, @Nullable String value) {
    if (value == null) {
      return;
    }
    if (value.isBlank()) {
      throw new IllegalArgumentException(field + " must not be blank");
    }
    if (value.length() > MAX_ID_LENGTH) {
      throw new IllegalArgumentException(
          field + " must be at most " + MAX_ID_LENGTH + " characters");
    }
  }

  static String abbreviate(String s) {
    return s.length() <= 80 ? s : s.substring(0, 80) + "...";
  }
}
