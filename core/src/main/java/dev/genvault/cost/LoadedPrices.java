package dev.genvault.cost;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;

/**
 * The price data a {@link Pricing} loaded: what it is and where and when it came from.
 *
 * @param version the version recorded on each cost it prices: the date of its newest dated price
 *     and the start of the SHA-256 of the file ({@code 2026-08-21/3f2a9c1b0d4e}), since the data
 *     names no version of its own
 * @param location the file or URL it was read from (without a URL's user info or query)
 * @param loadedAt when it was read
 * @param unsupportedKeys price keys in it that the calculator does not use (see the README)
 */
public record LoadedPrices(
    String version, String location, Instant loadedAt, Set<String> unsupportedKeys) {

  /** Checks and copies the fields. */
  public LoadedPrices {
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(location, "location");
    Objects.requireNonNull(loadedAt, "loadedAt");
    unsupportedKeys = Set.copyOf(unsupportedKeys);
  }
}
