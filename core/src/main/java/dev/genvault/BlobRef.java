package dev.genvault;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * A file stored in a {@link dev.genvault.spi.BlobStore}: where it is and what it is.
 *
 * @param key the store key, e.g. {@code generations/V1StGXR8_Z5jdHi6B-myT/0.png}
 * @param url a permanent or presigned URL when the store has one, else null
 * @param contentType the MIME type, e.g. {@code image/png}
 * @param size the size in bytes
 * @param sha256 the lower-case hex SHA-256 of the content
 */
public record BlobRef(
    String key, @Nullable String url, String contentType, long size, String sha256) {

  /** Checks the fields. */
  public BlobRef {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(contentType, "contentType");
    Objects.requireNonNull(sha256, "sha256");
    if (size < 0) {
      throw new IllegalArgumentException("size must be >= 0: " + size);
    }
  }
}
