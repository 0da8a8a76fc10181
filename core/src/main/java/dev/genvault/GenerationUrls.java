package dev.genvault;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where each generation lives on the web: {@code {base}/generate/{id}} for a prompt, {@code
 * /chat/{id}} for a chat, {@code /image/{id}} (or {@code /audio/{id}}) for files, and {@code
 * /image/{id}/{n}} for the n-th file. The generator makes its links with it and the routes parse
 * requests with it, so the two always agree. Immutable and thread safe.
 */
public final class GenerationUrls {
  /** The path of a generation: kind, ID, and an optional {@code /events} or file number. */
  private static final Pattern PATH =
      Pattern.compile(
          "/(generate|chat|image|audio)/([A-Za-z0-9_-]{1,64})(?:/(events|\\d{1,4}))?/?");

  /** Where links point when no base URL is set. */
  static final GenerationUrls LOCALHOST = new GenerationUrls("http://localhost:8080");

  /** Whether the default base URL has been told about in this JVM (it is told once). */
  static final AtomicBoolean DEFAULT_TOLD = new AtomicBoolean();

  private static final Logger log = LoggerFactory.getLogger(PersistentGenerator.class);

  private final String base;

  private GenerationUrls(String base) {
    this.base = base;
  }

  /**
   * URLs under a base such as {@code https://example.com/ai} (a trailing slash is dropped).
   *
   * @throws IllegalArgumentException unless it is an {@code http://} or {@code https://} URL with a
   *     host, saying what to write instead
   */
  public static GenerationUrls of(String baseUrl) {
    Objects.requireNonNull(baseUrl, "baseUrl");
    String url = baseUrl.strip();
    if (url.isEmpty()) {
      throw new IllegalArgumentException("baseUrl is empty: give e.g. https://example.com/ai");
    }
    if (!url.contains("://")) {
      throw new IllegalArgumentException(
          "baseUrl '" + url + "' has no scheme: write https://" + url + " (or http://)");
    }
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("baseUrl is not a URL: " + e.getMessage(), e);
    }
    String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new IllegalArgumentException(
          "baseUrl must start with http:// or https://, not " + scheme + "://: " + url);
    }
    if (uri.getHost() == null) {
      throw new IllegalArgumentException("baseUrl has no host: " + url);
    }
    return new GenerationUrls(url.endsWith("/") ? url.substring(0, url.length() - 1) : url);
  }

  /** The base, without a trailing slash. */
  public String base() {
    return base;
  }

  /** The generation's URL. */
  public String url(Generation generation) {
    return base + path(generation);
  }

  /** The generation's path under the base: {@code /generate/{id}}, {@code /chat/{id}}, ... */
  public static String path(Generation generation) {
    String kind;
    if (generation.kind() == GenerationKind.IMAGE) {
      kind = "image";
    } else if (generation.kind() == GenerationKind.AUDIO) {
      kind = "audio";
    } else {
      kind = generation.request().messages().isEmpty() ? "generate" : "chat";
    }
    return "/" + kind + "/" + generation.id();
  }

  /** The path of the generation's {@code n}-th blob under the base: {@code /image/{id}/{n}}. */
  public static String blobPath(Generation generation, int n) {
    String kind = generation.kind() == GenerationKind.AUDIO ? "audio" : "image";
    return "/" + kind + "/" + generation.id() + "/" + n;
  }

  /**
   * The URL of the generation's {@code n}-th blob.
   *
   * @throws IllegalArgumentException if it has no such file
   */
  public String blobUrl(Generation generation, int n) {
    if (n < 0 || n >= generation.blobs().size()) {
      throw new IllegalArgumentException("generation " + generation.id() + " has no blob " + n);
    }
    return base + blobPath(generation, n);
  }

  /**
   * What a path under the base names: a generation, and optionally its events or one of its blobs.
   *
   * @param id the generation's ID
   * @param events whether the path names its event stream
   * @param blob the blob's number, or -1 when the path names no blob
   */
  public record Target(String id, boolean events, int blob) {
    /** Whether the path names one of the generation's blobs ({@link #blob()}). */
    public boolean isBlob() {
      return blob >= 0;
    }
  }

  /** Parses a path under the base; empty when it names no generation. */
  public static Optional<Target> parse(String path) {
    Matcher m = PATH.matcher(path);
    if (!m.matches()) {
      return Optional.empty();
    }
    String tail = m.group(3);
    boolean events = "events".equals(tail);
    int blob = tail == null || events ? -1 : Integer.parseInt(tail);
    return Optional.of(new Target(m.group(2), events, blob));
  }

  /** Logs, once per JVM, that links point at the default base and how to change it. */
  static void tellDefault(GenerationUrls urls) {
    if (DEFAULT_TOLD.compareAndSet(false, true)) {
      log.info(
          "Generation URLs point at {} because no base URL is set; set"
              + " PersistentGenerator.builder().baseUrl(\"https://your.host/path\") to where"
              + " GenerationRoutes serves them",
          urls.base());
    }
  }

  @Override
  public String toString() {
    return base;
  }
}
