package dev.genvault;

import java.util.Objects;
import java.util.Optional;

/**
 * Where the prices of a {@link Cost} came from: a version of the price table (e.g. {@code
 * 2026-08-21}), prices the application set ({@link #OVERRIDE}), a cache copy of a generation that
 * had no cost ({@link #CACHE}), or not recorded ({@link #UNKNOWN}). Stored as its {@link #id()}.
 *
 * @param id the stored form: a table version, or one of the names above
 */
public record PriceSource(String id) {
  /** Prices set with {@code Pricing.builder().override(...)}. */
  public static final PriceSource OVERRIDE = new PriceSource("override");

  /** The zero cost of a cache copy whose original had no cost. */
  public static final PriceSource CACHE = new PriceSource("cache");

  /** A cost whose source was not recorded. */
  public static final PriceSource UNKNOWN = new PriceSource("unknown");

  /** Checks the ID: not blank, at most 64 characters. */
  public PriceSource {
    Objects.requireNonNull(id, "id");
    if (id.isBlank() || id.length() > 64) {
      throw new IllegalArgumentException("a price source is 1 to 64 characters: '" + id + "'");
    }
  }

  /** The price table of the given version. */
  public static PriceSource table(String version) {
    return new PriceSource(version);
  }

  /**
   * The price source stored as {@code id}, as a store reads it back: {@link #UNKNOWN} for null or a
   * value no price source can have, {@link #CACHE} for the {@code dedup} that earlier versions
   * stored on cache copies.
   */
  public static PriceSource of(@org.jspecify.annotations.Nullable String id) {
    if (id == null || id.isBlank() || id.length() > 64) {
      return UNKNOWN;
    }
    return id.equals("dedup") ? CACHE : new PriceSource(id);
  }

  /** The price table's version, when the prices came from the table. */
  public Optional<String> tableVersion() {
    return this.equals(OVERRIDE) || this.equals(CACHE) || this.equals(UNKNOWN)
        ? Optional.empty()
        : Optional.of(id);
  }

  @Override
  public String toString() {
    return id;
  }
}
