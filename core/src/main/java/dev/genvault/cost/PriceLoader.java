package dev.genvault.cost;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/** Where price data is read from: a file or a URL, read whole, at most {@link #MAX_BYTES}. */
final class PriceLoader {
  /** The largest price data read: the reference is about 1 MB. */
  static final int MAX_BYTES = 64 * 1024 * 1024;

  /** Threads of their own for the reads: a stuck one never holds a shared pool's thread. */
  private static final java.util.concurrent.Executor READERS =
      java.util.concurrent.Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "genvault-prices-read");
            t.setDaemon(true);
            return t;
          });

  /** The longest a read of the price data may take. */
  static final Duration READ_TIMEOUT = Duration.ofSeconds(120);

  @FunctionalInterface
  private interface Source {
    InputStream open() throws IOException;
  }

  private final String location;
  private final Source source;

  private PriceLoader(String location, Source source) {
    this.location = location;
    this.source = source;
  }

  static PriceLoader of(Path file) {
    return new PriceLoader(file.toString(), () -> Files.newInputStream(file));
  }

  /**
   * A loader for a URL: {@code file}, {@code http} or {@code https}.
   *
   * @throws IllegalArgumentException for another scheme
   */
  static PriceLoader of(URI url) {
    String scheme = url.getScheme() == null ? "" : url.getScheme().toLowerCase(Locale.ROOT);
    if (scheme.equals("file")) {
      return of(Path.of(url));
    }
    if (!scheme.equals("http") && !scheme.equals("https")) {
      // Not the URL itself: it may hold a secret.
      throw new IllegalArgumentException(
          "prices are read from a file, http or https URL, not " + scheme + ":");
    }
    if (url.getHost() == null) {
      throw new IllegalArgumentException(
          "prices are read from a URL with a host name (no '_' in it, for example)");
    }
    // Logged and recorded without user info or query, which may hold a token.
    String shown =
        scheme
            + "://"
            + url.getHost()
            + (url.getPort() == -1 ? "" : ":" + url.getPort())
            + (url.getRawPath() == null ? "" : url.getRawPath());
    HttpClient http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(10))
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
    return new PriceLoader(
        shown,
        () -> {
          HttpRequest request =
              HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(60)).GET().build();
          HttpResponse<InputStream> response;
          try {
            response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
          } catch (IOException | RuntimeException e) {
            // Said without the exception's own words, which may hold the whole URL.
            throw new IOException("fetching " + shown + " failed: " + e.getClass().getSimpleName());
          }
          if (response.statusCode() != 200) {
            response.body().close();
            throw new IOException("HTTP " + response.statusCode() + " from " + shown);
          }
          return response.body();
        });
  }

  String location() {
    return location;
  }

  /**
   * Reads and checks the data.
   *
   * @throws IOException when it cannot be read, or is over {@link #MAX_BYTES}
   * @throws IllegalArgumentException when it is not valid price data
   */
  PriceTable load() throws IOException {
    byte[] bytes;
    InputStream in = source.open();
    try (in) {
      // A server that stalls mid-body is given up on: the read is bounded in time and in size.
      java.util.concurrent.CompletableFuture<byte[]> read =
          java.util.concurrent.CompletableFuture.supplyAsync(
              () -> {
                try {
                  return in.readNBytes(MAX_BYTES + 1);
                } catch (IOException e) {
                  throw new java.io.UncheckedIOException(e);
                }
              },
              READERS);
      try {
        bytes = read.get(READ_TIMEOUT.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.TimeoutException e) {
        throw new IOException("reading " + location + " took over " + READ_TIMEOUT);
      } catch (java.util.concurrent.ExecutionException e) {
        throw new IOException("reading " + location + " failed: " + e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IOException("interrupted", e);
      }
    }
    if (bytes.length > MAX_BYTES) {
      throw new IOException("the price data is over " + MAX_BYTES + " bytes");
    }
    return GenaiPricesData.read(bytes, location);
  }

  /** A daemon thread of its own for refreshes. */
  static ScheduledExecutorService scheduler() {
    return Executors.newSingleThreadScheduledExecutor(
        r -> {
          Thread t = new Thread(r, "genvault-prices");
          t.setDaemon(true);
          return t;
        });
  }
}
