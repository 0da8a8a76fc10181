package dev.genvault.s3;

import dev.genvault.BlobRef;
import dev.genvault.PersistenceException;
import dev.genvault.internal.ContentTypes;
import dev.genvault.internal.Hashing;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.FutureTask;
import java.util.concurrent.RejectedExecutionException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;
import software.amazon.awssdk.services.s3.model.UploadPartResponse;

/**
 * Streams one file into S3: one PUT up to the threshold, else a multipart upload in parts of that
 * size through one reused buffer, aborted if anything fails. Bodies are re-readable from the
 * buffer, so the client can retry a request. The SHA-256 kept on the ref is computed on another
 * thread while each request is sent, not before it (only a Content-MD5, where one is sent, has to
 * come first).
 */
final class Uploads {
  private static final int MAX_PARTS = 10_000;

  /** Below this, hashing takes less time than handing it to another thread. */
  private static final int HASH_ASIDE_MIN = 64 * 1024;

  private final S3Client s3;
  private final String bucket;
  private final int partSize;
  private final boolean contentMd5;

  Uploads(S3Client s3, String bucket, int partSize, boolean contentMd5) {
    this.s3 = s3;
    this.bucket = bucket;
    this.partSize = partSize;
    this.contentMd5 = contentMd5;
  }

  /** A file already in memory: one PUT straight from the array (no copy) up to the threshold. */
  BlobRef put(String key, String objectKey, byte[] content) {
    if (content.length > partSize) {
      return put(key, objectKey, new ByteArrayInputStream(content));
    }
    String type = ContentTypes.detect(content, content.length);
    MessageDigest sha = Hashing.sha256();
    putObject(key, objectKey, type, content, content.length, sha);
    return new BlobRef(key, null, type, content.length, HexFormat.of().formatHex(sha.digest()));
  }

  BlobRef put(String key, String objectKey, InputStream stream) {
    PushbackInputStream content = new PushbackInputStream(stream, 1);
    MessageDigest sha = Hashing.sha256();
    byte[] buffer = new byte[Math.min(partSize, 64 * 1024)];
    int n = fill(key, content, buffer, 0);
    // Grow towards one part only as the content needs it: a small file holds a small buffer.
    while (n == buffer.length && buffer.length < partSize) {
      buffer = Arrays.copyOf(buffer, (int) Math.min((long) buffer.length * 4, partSize));
      n = fill(key, content, buffer, n);
    }
    String type = ContentTypes.detect(buffer, n);
    if (n < partSize || atEnd(key, content)) {
      putObject(key, objectKey, type, buffer, n, sha);
      return new BlobRef(key, null, type, n, HexFormat.of().formatHex(sha.digest()));
    }
    return multipart(key, objectKey, type, content, buffer, sha);
  }

  /** One PUT of {@code body[0, n)}; {@code sha} has taken in those bytes when it returns. */
  private void putObject(
      String key, String objectKey, String type, byte[] body, int n, MessageDigest sha) {
    FutureTask<Void> hash = hashAside(sha, body, n);
    try {
      s3.putObject(
          r ->
              r.bucket(bucket)
                  .key(objectKey)
                  .contentType(type)
                  .contentLength((long) n)
                  .contentMD5(contentMd5 ? md5(body, n) : null),
          body(body, n, type));
    } catch (SdkException e) {
      hash.cancel(false);
      throw new PersistenceException("could not write blob " + key, e);
    } catch (RuntimeException e) {
      hash.cancel(false);
      throw e;
    }
    join(hash);
  }

  /**
   * Starts {@code sha.update(buffer, 0, n)} on the common pool for a large range; {@link #join}
   * runs it on the caller's thread if no pool thread has taken it by then.
   */
  private static FutureTask<Void> hashAside(MessageDigest sha, byte[] buffer, int n) {
    FutureTask<Void> task =
        new FutureTask<>(
            () -> {
              sha.update(buffer, 0, n);
              return null;
            });
    if (n >= HASH_ASIDE_MIN) {
      try {
        ForkJoinPool.commonPool().execute(task);
      } catch (RejectedExecutionException e) {
        // join runs it here
      }
    }
    return task;
  }

  /** Waits for a hash started by {@link #hashAside}, running it here if it has not started. */
  private static void join(FutureTask<Void> hash) {
    hash.run();
    boolean interrupted = false;
    try {
      while (true) {
        try {
          hash.get();
          return;
        } catch (InterruptedException e) {
          interrupted = true; // the hash is short and its buffer must not be reused before it ends
        } catch (ExecutionException e) {
          throw new IllegalStateException("hashing the upload failed", e.getCause());
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private BlobRef multipart(
      String key,
      String objectKey,
      String type,
      InputStream content,
      byte[] buffer,
      MessageDigest sha) {
    String uploadId;
    try {
      uploadId =
          s3.createMultipartUpload(r -> r.bucket(bucket).key(objectKey).contentType(type))
              .uploadId();
    } catch (SdkException e) {
      throw new PersistenceException("could not start the upload of blob " + key, e);
    }
    try {
      List<CompletedPart> parts = new ArrayList<>();
      long size = 0;
      int n = buffer.length;
      while (n > 0) {
        int partNumber = parts.size() + 1;
        if (partNumber > MAX_PARTS) {
          throw new PersistenceException(
              "blob " + key + " needs more than " + MAX_PARTS + " parts; raise the threshold",
              null,
              false,
              null);
        }
        size += n;
        int length = n;
        FutureTask<Void> hash = hashAside(sha, buffer, length);
        UploadPartResponse part;
        try {
          part =
              s3.uploadPart(
                  r ->
                      r.bucket(bucket)
                          .key(objectKey)
                          .uploadId(uploadId)
                          .partNumber(partNumber)
                          .contentLength((long) length)
                          .contentMD5(contentMd5 ? md5(buffer, length) : null),
                  body(buffer, length, type));
        } catch (RuntimeException e) {
          hash.cancel(false);
          throw e;
        }
        join(hash); // before the buffer takes the next part
        parts.add(CompletedPart.builder().partNumber(partNumber).eTag(part.eTag()).build());
        n = fill(key, content, buffer, 0);
      }
      s3.completeMultipartUpload(
          r ->
              r.bucket(bucket)
                  .key(objectKey)
                  .uploadId(uploadId)
                  .multipartUpload(u -> u.parts(parts)));
      return new BlobRef(key, null, type, size, HexFormat.of().formatHex(sha.digest()));
    } catch (RuntimeException e) {
      abort(objectKey, uploadId, e);
      if (e instanceof SdkException) {
        throw new PersistenceException("could not write blob " + key, e);
      }
      throw e;
    }
  }

  /** Aborts a multipart upload so no parts are left behind; a failure to abort is suppressed. */
  private void abort(String objectKey, String uploadId, RuntimeException cause) {
    try {
      s3.abortMultipartUpload(r -> r.bucket(bucket).key(objectKey).uploadId(uploadId));
    } catch (RuntimeException e) {
      cause.addSuppressed(e);
    }
  }

  /** A body the client can read again for a retry, straight from the buffer (no copy). */
  private static RequestBody body(byte[] buffer, int n, String type) {
    return RequestBody.fromContentProvider(() -> new ByteArrayInputStream(buffer, 0, n), n, type);
  }

  /** Reads into the buffer from {@code from} until it is full or the content ends. */
  private static int fill(String key, InputStream content, byte[] buffer, int from) {
    try {
      return from + content.readNBytes(buffer, from, buffer.length - from);
    } catch (IOException e) {
      throw new PersistenceException("could not read the content for blob " + key, e);
    }
  }

  /** Whether the content has ended, without losing a byte (a file exactly one part long). */
  private static boolean atEnd(String key, PushbackInputStream content) {
    try {
      int next = content.read();
      if (next < 0) {
        return true;
      }
      content.unread(next);
      return false;
    } catch (IOException e) {
      throw new PersistenceException("could not read the content for blob " + key, e);
    }
  }

  private static String md5(byte[] buffer, int n) {
    try {
      MessageDigest md5 = MessageDigest.getInstance("MD5");
      md5.update(buffer, 0, n);
      return Base64.getEncoder().encodeToString(md5.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no MD5", e);
    }
  }
}
