package dev.genvault.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * A stored chunk of streamed text (the deltas of one checkpoint). A generation's text is its chunks
 * in {@code seq} order; {@code (generationId, seq)} is unique, so writing a chunk twice is a no-op.
 *
 * @param generationId the generation it belongs to
 * @param seq its position, from 0 without gaps
 * @param text the text, never empty
 * @param createdAt when its first character arrived
 */
public record Chunk(String generationId, int seq, String text, Instant createdAt) {

  /** Checks the fields. */
  public Chunk {
    Objects.requireNonNull(generationId, "generationId");
    Objects.requireNonNull(text, "text");
    Objects.requireNonNull(createdAt, "createdAt");
    if (seq < 0) {
      throw new IllegalArgumentException("seq must be >= 0: " + seq);
    }
    if (text.isEmpty()) {
      throw new IllegalArgumentException("chunk text must not be empty");
    }
  }
}
