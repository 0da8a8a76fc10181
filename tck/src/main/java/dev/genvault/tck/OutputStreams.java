package dev.genvault.tck;

import java.io.OutputStream;

/** Output stream helpers for contract tests. */
final class OutputStreams {
  /** Discards everything. */
  static final OutputStream NULL = OutputStream.nullOutputStream();

  private OutputStreams() {}
}
