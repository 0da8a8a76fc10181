package dev.genvault.s3;

import dev.genvault.BlobRef;
import dev.genvault.PersistenceException;
import dev.genvault.internal.ContentTypes;
import dev.genvault.spi.BlobKeys;
import dev.genvault.spi.BlobStore;
import java.io.InputStream;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ServiceClientConfiguration;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * A {@link BlobStore} in an S3 bucket, on Amazon S3 or any S3-compatible store (MinIO, Cloudflare
 * R2, ...), through the {@link S3Client} you give it (its credentials, region, endpoint and retry
 * policy are yours; this store never closes it).
 *
 * <p>Objects are stored under {@code {keyPrefix}/generations/{id}/{n}.{ext}}; a key of any other
 * form, or one that breaks {@link BlobKeys#check}, is refused before a request is sent. Uploads
 * stream: a file up to the multipart threshold (16 MiB by default) goes in one PUT, a larger one as
 * a multipart upload in parts of that size, so memory stays about one part whatever the file size;
 * a multipart upload that fails is aborted. Every PUT and part carries a checksum the store
 * verifies, one only (see {@link Checksum}). The content type is detected from the bytes (PNG,
 * JPEG, WebP, GIF, else {@code application/octet-stream}), never taken from the caller; size and
 * SHA-256 are computed while uploading.
 *
 * <p>URLs are minted when read ({@link #url}), never stored: presigned GETs valid for {@link
 * Builder#urlTtl} (15 minutes by default, 7 days at most) when a {@link S3Presigner} is set, or
 * permanent URLs under a {@link Builder#publicBaseUrl public base URL} (anyone holding one can read
 * the file), or none.
 *
 * <p>Thread safe. Failures of S3 are {@link PersistenceException}s; the client retries 5xx and
 * throttling answers by its own retry policy first.
 */
public final class S3BlobStore implements BlobStore {
  /**
   * How each PUT and part proves its bytes to the store. Either way the store verifies every
   * upload; the choice is whether a {@code Content-MD5} is added to what the client already sends.
   */
  public enum Checksum {
    /**
     * One checksum, whichever the client does not already send (the default): the client's own when
     * its {@code requestChecksumCalculation} is {@code WHEN_SUPPORTED} (the AWS SDK's default: a
     * CRC32 the store checks), a signed payload over plain {@code http://} (the client signs every
     * chunk of the body, which the store checks), and a {@code Content-MD5} otherwise (an {@code
     * https://} endpoint with {@code WHEN_REQUIRED}, as S3-compatible stores often need). The MD5
     * costs about 1.6 ms per MiB of CPU on the calling thread.
     */
    AUTO,
    /** A {@code Content-MD5} on every PUT and part, whatever else the client sends. */
    CONTENT_MD5
  }

  /** Files up to this size go in one PUT; larger ones in parts of this size: 16 MiB. */
  public static final int DEFAULT_MULTIPART_THRESHOLD = 16 * 1024 * 1024;

  /** The smallest part S3 accepts (but for the last one): 5 MiB. */
  public static final int MIN_PART_SIZE = 5 * 1024 * 1024;

  /** How long a presigned URL works by default: 15 minutes. */
  public static final Duration DEFAULT_URL_TTL = Duration.ofMinutes(15);

  /** The longest a presigned URL may work, as S3 allows: 7 days. */
  public static final Duration MAX_URL_TTL = Duration.ofDays(7);

  private static final int MAX_PART_SIZE = 512 * 1024 * 1024;

  /** A generation's n-th file: a number and a short extension, as {@code BlobKeys} makes them. */
  private static final java.util.regex.Pattern FILE_NAME =
      java.util.regex.Pattern.compile("(0|[1-9][0-9]{0,8})\\.[a-z0-9]{1,8}");

  private final S3Client s3;
  private final String bucket;
  private final String prefix;
  private final @Nullable S3Presigner presigner;
  private final Duration urlTtl;
  private final @Nullable String publicBaseUrl;
  private final Uploads uploads;

  private S3BlobStore(Builder b) {
    this.s3 = Objects.requireNonNull(b.client, "client");
    this.bucket = Objects.requireNonNull(b.bucket, "bucket");
    this.prefix = b.keyPrefix == null ? "" : b.keyPrefix + "/";
    this.presigner = b.presigner;
    this.urlTtl = b.urlTtl;
    this.publicBaseUrl = b.publicBaseUrl;
    this.uploads = new Uploads(s3, bucket, b.multipartThreshold, needsContentMd5(s3, b.checksum));
  }

  /** Whether uploads must add a Content-MD5 for the store to verify their bytes. */
  static boolean needsContentMd5(S3Client s3, Checksum checksum) {
    if (checksum == Checksum.CONTENT_MD5) {
      return true;
    }
    S3ServiceClientConfiguration config;
    try {
      config = s3.serviceClientConfiguration();
    } catch (RuntimeException e) {
      return true; // a client that cannot say how it is configured gets the MD5
    }
    if (config == null) {
      return true;
    }
    if (config.requestChecksumCalculation() == RequestChecksumCalculation.WHEN_SUPPORTED) {
      return false; // the client sends its own checksum with every PUT and part
    }
    // Over plain HTTP the client signs every chunk of the body; over HTTPS it sends it unsigned.
    return config.endpointOverride().map(u -> !"http".equalsIgnoreCase(u.getScheme())).orElse(true);
  }

  /** A store in a bucket with no key prefix that gives no URLs (the routes stream the bytes). */
  public static S3BlobStore create(S3Client s3, String bucket) {
    return builder().client(s3).bucket(bucket).build();
  }

  /** A builder: {@link Builder#client} and {@link Builder#bucket} are required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The object key of a Genvault key, after checking it is of Genvault's own form. */
  String objectKey(String key) {
    BlobKeys.check(key);
    String[] segments = key.split("/", -1);
    if (segments.length != 3
        || !segments[0].equals("generations")
        || !FILE_NAME.matcher(segments[2]).matches()) {
      throw new IllegalArgumentException(
          "blob key must be of the form generations/{id}/{n}.{ext}: '" + key + "'");
    }
    return prefix + key;
  }

  @Override
  public BlobRef put(String key, byte[] content, String contentType) {
    String objectKey = objectKey(key);
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(contentType, "contentType");
    return uploads.put(key, objectKey, content);
  }

  @Override
  public BlobRef put(String key, InputStream content, String contentType) {
    String objectKey = objectKey(key);
    Objects.requireNonNull(content, "content");
    Objects.requireNonNull(contentType, "contentType");
    return uploads.put(key, objectKey, content);
  }

  @Override
  public Optional<InputStream> open(String key) {
    String objectKey = objectKey(key);
    try {
      return Optional.of(s3.getObject(r -> r.bucket(bucket).key(objectKey)));
    } catch (NoSuchKeyException e) {
      return Optional.empty();
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return Optional.empty();
      }
      throw new PersistenceException("could not read blob " + key, e);
    } catch (SdkException e) {
      throw new PersistenceException("could not read blob " + key, e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Asks S3 whether the object exists (HEAD), then deletes it; deleting an unknown key is not an
   * error. Two deletes racing may both report true.
   */
  @Override
  public boolean delete(String key) {
    String objectKey = objectKey(key);
    try {
      try {
        s3.headObject(r -> r.bucket(bucket).key(objectKey));
      } catch (NoSuchKeyException e) {
        return false;
      } catch (S3Exception e) {
        if (e.statusCode() != 404) {
          throw e;
        }
        return false;
      }
      s3.deleteObject(r -> r.bucket(bucket).key(objectKey));
      return true;
    } catch (SdkException e) {
      throw new PersistenceException("could not delete blob " + key, e);
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>In public-base-URL mode, {@code publicBaseUrl + objectKey}: permanent, readable by anyone
   * who has it. With a presigner, a presigned GET that works for the URL TTL and answers the file
   * as its raster image type (PNG, JPEG, GIF, WebP) inline, or as {@code application/octet-stream}
   * with {@code Content-Disposition: attachment}. Otherwise empty.
   */
  @Override
  public Optional<URI> url(BlobRef ref) {
    String objectKey = objectKey(ref.key());
    if (publicBaseUrl != null) {
      return Optional.of(URI.create(publicBaseUrl + objectKey));
    }
    S3Presigner signer = presigner;
    if (signer == null) {
      return Optional.empty();
    }
    boolean raster = ContentTypes.isRaster(ref.contentType());
    String name = objectKey.substring(objectKey.lastIndexOf('/') + 1);
    GetObjectRequest get =
        GetObjectRequest.builder()
            .bucket(bucket)
            .key(objectKey)
            .responseContentType(raster ? ref.contentType() : ContentTypes.OCTET_STREAM)
            .responseContentDisposition(raster ? "inline" : "attachment; filename=\"" + name + "\"")
            .build();
    try {
      return Optional.of(
          signer
              .presignGetObject(p -> p.signatureDuration(urlTtl).getObjectRequest(get))
              .url()
              .toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException("the presigner made a URL that does not parse", e);
    }
  }

  @Override
  public String toString() {
    return "S3BlobStore{bucket=" + bucket + ", prefix=" + prefix + '}';
  }

  /** Builds an {@link S3BlobStore}; each setting may be set once. */
  public static final class Builder {
    private @Nullable S3Client client;
    private @Nullable String bucket;
    private @Nullable String keyPrefix;
    private @Nullable S3Presigner presigner;
    private Duration urlTtl = DEFAULT_URL_TTL;
    private @Nullable String publicBaseUrl;
    private int multipartThreshold = DEFAULT_MULTIPART_THRESHOLD;
    private Checksum checksum = Checksum.AUTO;

    private Builder() {}

    /** The client requests go through (required); the store never closes it. */
    public Builder client(S3Client client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /** The bucket (required); it must exist. */
    public Builder bucket(String bucket) {
      Objects.requireNonNull(bucket, "bucket");
      if (bucket.isBlank()) {
        throw new IllegalArgumentException("bucket must not be blank");
      }
      this.bucket = bucket;
      return this;
    }

    /**
     * A prefix for every object key, such as {@code prod/genvault}: segments of {@code A-Z a-z 0-9
     * . _ -} separated by {@code /}, like a blob key, without a trailing slash.
     */
    public Builder keyPrefix(String keyPrefix) {
      this.keyPrefix = BlobKeys.check(keyPrefix);
      return this;
    }

    /**
     * Mints presigned GET URLs for {@link S3BlobStore#url}. The presigner is the caller's: the
     * store never closes it.
     */
    public Builder presigner(S3Presigner presigner) {
      this.presigner = Objects.requireNonNull(presigner, "presigner");
      return this;
    }

    /** How long a presigned URL works: more than 0, at most 7 days; 15 minutes by default. */
    public Builder urlTtl(Duration urlTtl) {
      Objects.requireNonNull(urlTtl, "urlTtl");
      if (urlTtl.isNegative() || urlTtl.isZero() || urlTtl.compareTo(MAX_URL_TTL) > 0) {
        throw new IllegalArgumentException(
            "urlTtl must be more than 0 and at most 7 days: " + urlTtl);
      }
      this.urlTtl = urlTtl;
      return this;
    }

    /**
     * Serves files at permanent URLs under this base (a public bucket or a CDN in front of it),
     * {@code publicBaseUrl + "/" + objectKey}. Anyone who has such a URL can read the file, for
     * good: use it only for files meant to be public.
     */
    public Builder publicBaseUrl(String publicBaseUrl) {
      Objects.requireNonNull(publicBaseUrl, "publicBaseUrl");
      if (!publicBaseUrl.startsWith("https://") && !publicBaseUrl.startsWith("http://")) {
        throw new IllegalArgumentException("publicBaseUrl must be an http:// or https:// URL");
      }
      URI.create(publicBaseUrl);
      this.publicBaseUrl = publicBaseUrl.endsWith("/") ? publicBaseUrl : publicBaseUrl + "/";
      return this;
    }

    /**
     * Files up to this many bytes go in one PUT; larger ones as a multipart upload in parts of this
     * size, which is also about the memory an upload holds. At least 5 MiB; 16 MiB by default.
     */
    public Builder multipartThreshold(int bytes) {
      if (bytes < MIN_PART_SIZE || bytes > MAX_PART_SIZE) {
        throw new IllegalArgumentException(
            "multipartThreshold must be between 5 MiB and 512 MiB: " + bytes);
      }
      this.multipartThreshold = bytes;
      return this;
    }

    /** How uploads prove their bytes to the store; {@link Checksum#AUTO} by default. */
    public Builder checksum(Checksum checksum) {
      this.checksum = Objects.requireNonNull(checksum, "checksum");
      return this;
    }

    /**
     * The store.
     *
     * @throws IllegalStateException without a client or bucket, or with both a presigner and a
     *     public base URL (choose one URL mode)
     */
    public S3BlobStore build() {
      if (client == null || bucket == null) {
        throw new IllegalStateException("S3BlobStore needs a client and a bucket");
      }
      if (presigner != null && publicBaseUrl != null) {
        throw new IllegalStateException(
            "choose one URL mode: a presigner or a public base URL, not both");
      }
      return new S3BlobStore(this);
    }
  }
}
