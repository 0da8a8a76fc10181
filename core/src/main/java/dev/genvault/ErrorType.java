package dev.genvault;

import java.util.Locale;

/** Why a generation ended in {@link GenerationStatus#ERROR}. */
public enum ErrorType {
  /** The provider or the client reported a failure. */
  PROVIDER_ERROR,
  /** The provider refused the call for rate or quota reasons. */
  RATE_LIMITED,
  /** The response stream ended without a completion marker or finish reason. */
  STREAM_INCOMPLETE,
  /** The call took too long or stalled between events. */
  TIMEOUT,
  /** The process died or shut down while the generation was live. */
  INTERRUPTED,
  /** The caller cancelled the generation. */
  CANCELLED,
  /** The store was unreachable for longer than the generator could buffer. */
  PERSISTENCE_LOST_TAIL,
  /**
   * The result could not be written to the store: the store refused the terminal row for good, or
   * was unreachable for longer than the persist timeout. The caller still gets the whole text.
   */
  PERSISTENCE_FAILED,
  /** A generated file could not be written to the blob store. */
  BLOB_UPLOAD_FAILED,
  /** The provider answered with something that could not be understood. */
  INVALID_RESPONSE;

  /** The lower-case name used in storage and on the wire, e.g. {@code "provider_error"}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a {@link #wireName()} (case-insensitive). */
  public static ErrorType fromWireName(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }
}
