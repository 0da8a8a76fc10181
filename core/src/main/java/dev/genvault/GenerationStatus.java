package dev.genvault;

import java.util.Locale;

/**
 * Where a generation is in its life: {@code pending → streaming → complete}, or {@code error} from
 * any live state. A terminal generation ({@link #COMPLETE} or {@link #ERROR}) never changes again.
 */
public enum GenerationStatus {
  /** The row exists and the provider has been (or is about to be) called; no token yet. */
  PENDING,
  /** Tokens are arriving and being checkpointed. */
  STREAMING,
  /** Finished normally; text, usage and cost are final. */
  COMPLETE,
  /** Finished with an {@link ErrorType}; whatever text had arrived is kept. */
  ERROR;

  /** True for {@link #COMPLETE} and {@link #ERROR}. */
  public boolean isTerminal() {
    return this == COMPLETE || this == ERROR;
  }

  /** The lower-case name used in storage and on the wire, e.g. {@code "streaming"}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses a {@link #wireName()} (case-insensitive). */
  public static GenerationStatus fromWireName(String name) {
    return valueOf(name.toUpperCase(Locale.ROOT));
  }
}
