package dev.genvault.spi;

import dev.genvault.BlobRef;
import dev.genvault.PersistenceException;
import dev.genvault.internal.Hashing;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/** The filesystem {@link BlobStore}: one file per key below a root folder. */
final class FileBlobStore implements BlobStore {
  private final Path root;
  private final @Nullable String publicBaseUrl;

  FileBlobStore(Path root, @Nullable String publicBaseUrl) {
    Objects.requireNonNull(root, "root");
    try {
      Files.createDirectories(root);
      this.root = root.toRealPath();
    } catch (IOException e) {
      throw new PersistenceException("could not create the blob folder " + root, null, false, e);
    }
    this.publicBaseUrl =
        publicBaseUrl == null || publicBaseUrl.endsWith("/") ? publicBaseUrl : publicBaseUrl + "/";
  }

  /** Resolves a checked key below the root, refusing anything that would leave it. */
  private Path resolve(String key) {
    BlobKeys.check(key);
    Path path = root.resolve(key).normalize();
    if (!path.startsWith(root) || path.equals(root)) {
      throw new IllegalArgumentException("blob key escapes the blob folder: " + key);
    }
    Path parent = path.getParent();
    try {
      if (Files.exists(parent) && !parent.toRealPath().startsWith(root)) {
        throw new IllegalArgumentException(
            "blob key escapes the blob folder through a link: " + key);
      }
    } catch (IOException e) {
      throw new PersistenceException("could not resolve blob " + key, e);
    }
    return path;
  }

  @Override
  public BlobRef put(String key, byte[] content, String contentType) {
    Objects.requireNonNull(content, "content");
    return put(key, new ByteArrayInputStream(content), contentType);
  }

  @Override
  public BlobRef put(String key, InputStream content, String contentType) {
    Path target = resolve(key);
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(contentType, "contentType");
    Path temp = null;
    try {
      Files.createDirectories(target.getParent());
      if (!target.getParent().toRealPath().startsWith(root)) {
        throw new IllegalArgumentException(
            "blob key escapes the blob folder through a link: " + key);
      }
      temp = Files.createTempFile(target.getParent(), ".upload-", ".tmp");
      MessageDigest digest = Hashing.sha256();
      long size;
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE);
          OutputStream out = new DigestOutputStream(Channels.newOutputStream(channel), digest)) {
        size = content.transferTo(out);
        out.flush();
        channel.force(true);
      }
      try {
        Files.move(
            temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
      }
      temp = null;
      String url = publicBaseUrl == null ? null : publicBaseUrl + key;
      return new BlobRef(key, url, contentType, size, HexFormat.of().formatHex(digest.digest()));
    } catch (IOException e) {
      throw new PersistenceException("could not write blob " + key, e);
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // best effort: a stray temp file is harmless
        }
      }
    }
  }

  @Override
  public Optional<InputStream> open(String key) {
    Path path = resolve(key);
    if (Files.isDirectory(path)) {
      return Optional.empty();
    }
    try {
      return Optional.of(Files.newInputStream(path));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    } catch (IOException e) {
      throw new PersistenceException("could not read blob " + key, e);
    }
  }

  @Override
  public boolean delete(String key) {
    Path path = resolve(key);
    try {
      if (Files.isDirectory(path)) {
        return false;
      }
      return Files.deleteIfExists(path);
    } catch (IOException e) {
      throw new PersistenceException("could not delete blob " + key, e);
    }
  }

  @Override
  public Optional<URI> url(BlobRef ref) {
    resolve(ref.key());
    return publicBaseUrl == null
        ? Optional.empty()
        : Optional.of(URI.create(publicBaseUrl + ref.key()));
  }

  @Override
  public String toString() {
    return "FileBlobStore{" + root + '}';
  }
}
