package dev.genvault.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genvault.BlobRef;
import dev.genvault.spi.BlobStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The contract every {@link BlobStore} keeps. Extend it and implement {@link #createBlobStore()} (a
 * new, empty store per test).
 */
public abstract class BlobStoreContract {

  /** The store under test. */
  protected BlobStore blobs;

  /** A new, empty blob store. Called before each test. */
  protected abstract BlobStore createBlobStore() throws Exception;

  /** Releases the store after each test; does nothing by default. */
  protected void closeBlobStore(BlobStore blobs) throws Exception {}

  @BeforeEach
  void setUpBlobs() throws Exception {
    blobs = createBlobStore();
  }

  @AfterEach
  void tearDownBlobs() throws Exception {
    closeBlobStore(blobs);
  }

  /** The eight bytes every PNG starts with, then text: a store that sniffs sees a PNG. */
  private static final byte[] PNG_SIGNATURE_AND_TEXT = {
    (byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', 'p', 'r', 'e', 't', 'e', 'n', 'd'
  };

  /** Reads a stored file whole. */
  protected byte[] read(String key) throws IOException {
    try (InputStream in = blobs.open(key).orElseThrow()) {
      return in.readAllBytes();
    }
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  /**
   * A deterministic stream of {@code size} pseudo-random bytes that never holds them all in memory;
   * the same seed gives the same bytes. For a backend's own large-file tests too.
   */
  public static InputStream randomStream(long size, long seed) {
    SplittableRandom random = new SplittableRandom(seed);
    return new InputStream() {
      long left = size;

      @Override
      public int read() {
        if (left == 0) {
          return -1;
        }
        left--;
        return random.nextInt(256);
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (left == 0) {
          return -1;
        }
        int n = (int) Math.min(len, left);
        for (int i = 0; i < n; i++) {
          b[off + i] = (byte) random.nextInt(256);
        }
        left -= n;
        return n;
      }
    };
  }

  @Nested
  @DisplayName("put and get")
  class PutAndGet {
    @Test
    void bytes_come_back_as_stored_with_size_and_sha256() throws Exception {
      byte[] content = PNG_SIGNATURE_AND_TEXT;
      BlobRef ref = blobs.put("generations/abc/0.png", content, "image/png");
      assertThat(ref.key()).isEqualTo("generations/abc/0.png");
      assertThat(ref.contentType()).isEqualTo("image/png");
      assertThat(ref.size()).isEqualTo(content.length);
      assertThat(ref.sha256()).isEqualTo(sha256(content));
      assertThat(read("generations/abc/0.png")).isEqualTo(content);
    }

    @Test
    void a_stream_is_stored_like_bytes() throws Exception {
      byte[] content = new byte[70_000];
      new SplittableRandom(7).nextBytes(content);
      BlobRef ref =
          blobs.put(
              "generations/abc/1.bin",
              new ByteArrayInputStream(content),
              "application/octet-stream");
      assertThat(ref.size()).isEqualTo(content.length);
      assertThat(ref.sha256()).isEqualTo(sha256(content));
      assertThat(read("generations/abc/1.bin")).isEqualTo(content);
    }

    @Test
    void a_mebibyte_of_bytes_comes_back_with_its_size_and_sha256() throws Exception {
      byte[] content = new byte[1024 * 1024 + 3];
      new SplittableRandom(11).nextBytes(content);
      BlobRef ref = blobs.put("generations/abc/2.bin", content, "application/octet-stream");
      assertThat(ref.size()).isEqualTo(content.length);
      assertThat(ref.sha256()).isEqualTo(sha256(content));
      assertThat(read("generations/abc/2.bin")).isEqualTo(content);
    }

    @Test
    void empty_content_is_a_valid_file() throws Exception {
      BlobRef ref = blobs.put("generations/abc/3.txt", new byte[0], "text/plain");
      assertThat(ref.size()).isZero();
      assertThat(ref.sha256()).isEqualTo(sha256(new byte[0]));
      assertThat(read("generations/abc/3.txt")).isEmpty();
    }

    @Test
    void a_large_file_of_9_mib_streams_through_intact() throws Exception {
      long size = 9L * 1024 * 1024;
      BlobRef ref =
          blobs.put("generations/big/0.bin", randomStream(size, 42), "application/octet-stream");
      MessageDigest expected = MessageDigest.getInstance("SHA-256");
      try (InputStream in = randomStream(size, 42)) {
        in.transferTo(new java.security.DigestOutputStream(OutputStreams.NULL, expected));
      }
      assertThat(ref.size()).isEqualTo(size);
      assertThat(ref.sha256()).isEqualTo(HexFormat.of().formatHex(expected.digest()));
      MessageDigest actual = MessageDigest.getInstance("SHA-256");
      long read;
      try (InputStream in =
          new DigestInputStream(blobs.open("generations/big/0.bin").orElseThrow(), actual)) {
        read = in.transferTo(OutputStreams.NULL);
      }
      assertThat(read).isEqualTo(size);
      assertThat(HexFormat.of().formatHex(actual.digest())).isEqualTo(ref.sha256());
    }

    @Test
    void putting_a_key_again_replaces_its_content() throws Exception {
      blobs.put("generations/abc/0.txt", "old".getBytes(StandardCharsets.UTF_8), "text/plain");
      blobs.put("generations/abc/0.txt", "new".getBytes(StandardCharsets.UTF_8), "text/plain");
      assertThat(read("generations/abc/0.txt")).asString(StandardCharsets.UTF_8).isEqualTo("new");
    }

    @Test
    void a_missing_key_opens_nothing() {
      assertThat(blobs.open("generations/none/0.png")).isEmpty();
    }

    @Test
    void eight_threads_put_different_keys_at_once() throws Exception {
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<BlobRef>> futures = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
          int n = i;
          futures.add(
              pool.submit(
                  () ->
                      blobs.put(
                          "generations/par/" + n + ".txt",
                          ("file " + n).getBytes(StandardCharsets.UTF_8),
                          "text/plain")));
        }
        for (Future<BlobRef> f : futures) {
          f.get(30, TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
      for (int i = 0; i < 8; i++) {
        assertThat(read("generations/par/" + i + ".txt"))
            .asString(StandardCharsets.UTF_8)
            .isEqualTo("file " + i);
      }
    }
  }

  @Nested
  @DisplayName("delete")
  class Delete {
    @Test
    void delete_removes_a_file_and_reports_whether_it_existed() {
      blobs.put("generations/abc/0.png", new byte[] {1, 2, 3}, "image/png");
      assertThat(blobs.delete("generations/abc/0.png")).isTrue();
      assertThat(blobs.open("generations/abc/0.png")).isEmpty();
      assertThat(blobs.delete("generations/abc/0.png")).isFalse();
    }
  }

  @Nested
  @DisplayName("urls")
  class Urls {
    @Test
    void a_url_when_given_is_absolute_http_and_reads_the_stored_bytes() throws Exception {
      byte[] content = PNG_SIGNATURE_AND_TEXT;
      BlobRef ref = blobs.put("generations/url/0.png", content, "image/png");
      Optional<URI> url = blobs.url(ref);
      if (url.isEmpty()) {
        return; // this store gives no URLs: readers stream its bytes through open()
      }
      assertThat(url.get().isAbsolute()).isTrue();
      assertThat(url.get().getScheme()).isIn("http", "https");
      if (fetchesUrls()) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        HttpResponse<byte[]> answer =
            http.send(HttpRequest.newBuilder(url.get()).GET().build(), BodyHandlers.ofByteArray());
        assertThat(answer.statusCode()).isEqualTo(200);
        assertThat(answer.body()).isEqualTo(content);
      }
    }

    @Test
    void a_url_is_minted_without_reading_so_asking_twice_is_harmless() {
      BlobRef ref = blobs.put("generations/url/1.txt", new byte[] {1}, "text/plain");
      assertThat(blobs.url(ref).isPresent()).isEqualTo(blobs.url(ref).isPresent());
      assertThat(blobs.open("generations/url/1.txt")).isPresent();
    }
  }

  /**
   * Whether {@link Urls} fetches the URL a store gives and compares the bytes; override with false
   * when nothing serves the URLs during the test (a public base URL of a CDN, say).
   */
  protected boolean fetchesUrls() {
    return true;
  }

  @Nested
  @DisplayName("bad keys")
  class BadKeys {
    @ParameterizedTest
    @ValueSource(
        strings = {
          "",
          "/absolute/path.png",
          "../escape.png",
          "generations/../../etc/passwd",
          "generations/./0.png",
          "generations//0.png",
          "generations/0.png/",
          "generations\\0.png",
          "generations/with space.png",
          "generations/nul\u0000.png",
          "generations/ünïcödé.png",
          "generations/%2e%2e/x",
          "C:/windows/x.png"
        })
    void are_rejected_before_any_io(String key) {
      byte[] one = {1};
      assertThatThrownBy(() -> blobs.put(key, one, "image/png"))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> blobs.put(key, new ByteArrayInputStream(one), "image/png"))
          .isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> blobs.open(key)).isInstanceOf(IllegalArgumentException.class);
      assertThatThrownBy(() -> blobs.delete(key)).isInstanceOf(IllegalArgumentException.class);
      BlobRef ref = new BlobRef(key, null, "image/png", 1, "0".repeat(64));
      assertThatThrownBy(() -> blobs.url(ref)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void an_over_long_key_is_rejected() {
      String key = "generations/" + "a/".repeat(300) + "x.png";
      assertThatThrownBy(() -> blobs.put(key, new byte[] {1}, "image/png"))
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
