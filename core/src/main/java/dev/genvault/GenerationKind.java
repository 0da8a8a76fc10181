package dev.genvault;

import java.util.Locale;

/** What a generation produces. */
public enum GenerationKind {
  /** Text, from a prompt or a chat conversation. */
  TEXT,
  /** One or more images, stored in the {@link dev.genvault.spi.BlobStore}. */
  IMAGE,
  /** Audio, stored in the {@link dev.genvault.spi.BlobStore}. */
  AUDIO;

  /** The lower-case name used in storage and in URLs. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a {@link #wireName()} (case-insensitive). */
  public static GenerationKind fromWireName(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }
}
