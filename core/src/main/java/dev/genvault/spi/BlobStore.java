package dev.genvault.spi;

import dev.genvault.BlobRef;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Path;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Permanent storage for generated files (images, audio).
 *
 * <p><b>Keys</b> are relative paths of segments separated by {@code /}; each segment is 1 to 128
 * characters of {@code A-Z a-z 0-9 . _ -} and is not {@code .} or {@code ..}; a key is at most 512
 * characters. Anything else is rejected with {@link IllegalArgumentException} before any I/O (see
 * {@link BlobKeys#check}). The generator only writes keys of the form {@code
 * generations/{id}/{n}.{ext}}.
 *
 * <p><b>Thread safety:</b> implementations must be safe for use by many threads at once. A {@code
 * put} is atomic: a reader sees either the old content or the new, never a partial file. Putting
 * the same key again replaces the content (idempotent for equal content).
 *
 * <p><b>Failures:</b> I/O problems surface as {@link dev.genvault.PersistenceException}; no method
 * throws checked exceptions.
 *
 * <p>The contract is tested by {@code dev.genvault.tck.BlobStoreContract}.
 */
public interface BlobStore {

  /** A new in-memory blob store for tests and demos; it gives no URLs. */
  static BlobStore inMemory() {
    return new InMemoryBlobStore();
  }

  /**
   * A blob store in a local folder (created if missing); URLs are null. Files are written to a
   * temporary name, forced to disk, then moved into place. It gives no URLs.
   */
  static BlobStore filesystem(Path root) {
    return new FileBlobStore(root, null);
  }

  /**
   * A blob store in a local folder whose files are served at {@code publicBaseUrl + key} (for
   * example by a web server): {@link #url} gives that permanent URL, which anyone holding it can
   * read.
   */
  static BlobStore filesystem(Path root, @Nullable String publicBaseUrl) {
    return new FileBlobStore(root, publicBaseUrl);
  }

  /**
   * Stores bytes under a key, replacing what was there.
   *
   * @return the stored file's reference with its size and SHA-256
   */
  BlobRef put(String key, byte[] content, String contentType);

  /**
   * Stores a stream under a key, replacing what was there. The stream is read to its end but not
   * closed; memory use stays bounded whatever its size.
   *
   * @return the stored file's reference with its size and SHA-256
   */
  BlobRef put(String key, InputStream content, String contentType);

  /**
   * Opens a stored file for reading; the caller closes the stream.
   *
   * @return empty if nothing is stored under the key
   */
  Optional<InputStream> open(String key);

  /**
   * Deletes a stored file.
   *
   * @return true if something was deleted; false if nothing was stored under the key
   */
  boolean delete(String key);

  /**
   * A URL at which a stored file can be read, minted now: records keep the key, never this URL, so
   * a URL is made for each read. A store that can hand out URLs gives either a permanent one (a
   * public bucket or CDN: anyone holding it can read the file, for good) or a presigned one that
   * stops working after a bounded time. A URL is only made, nothing is read or checked: it may name
   * a file that is gone.
   *
   * <p>The HTTP routes redirect to this URL when there is one and stream the file's bytes through
   * {@link #open} otherwise.
   *
   * @param ref a file this store put (its key is checked like every key)
   * @return empty when this store gives no URLs (the in-memory store, a folder without a public
   *     base URL)
   * @throws IllegalArgumentException if the key breaks the key rules
   */
  Optional<URI> url(BlobRef ref);
}
