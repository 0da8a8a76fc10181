package dev.genvault.openai;

import dev.genvault.ErrorType;
import dev.genvault.ModelCall;
import dev.genvault.ProviderException;
import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import okhttp3.HttpUrl;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import org.jspecify.annotations.Nullable;

/**
 * Copies an image the provider gave as a URL into the blob store at once (provider URLs expire),
 * without the key, only from addresses the {@link ImageFetchGuard} allows; each redirect is checked
 * the same way. Thread safe.
 */
final class ImageDownloader {
  /** Redirects followed for one image, each checked like the first URL. */
  private static final int MAX_REDIRECTS = 5;

  private final Transport transport;
  private final ImageFetchGuard guard;
  private final OkHttpClient images;

  ImageDownloader(Transport transport, Set<String> allowedHosts) {
    this.transport = transport;
    this.guard = new ImageFetchGuard(transport.http().dns(), allowedHosts);
    // Its own Dns makes its connections its own: none is shared with the unguarded API client.
    this.images = transport.http().newBuilder().dns(guard).build();
  }

  /**
   * Stores the image at the URL, with the content type it is served with, else the one given.
   *
   * @throws ProviderException {@code invalid_response} for a URL that does not parse, an address
   *     the guard refuses, too many redirects or a failed status
   */
  void download(String url, ModelCall call, String contentType) throws IOException {
    HttpUrl target = HttpUrl.parse(url);
    if (target == null) {
      throw new ProviderException(
          ErrorType.INVALID_RESPONSE,
          "an image URL is not a valid URL: \""
              + (url.length() > 200 ? url.substring(0, 200) + "..." : url)
              + "\"");
    }
    for (int hops = 0; ; hops++) {
      guard.check(target);
      Request request = new Request.Builder().url(target).get().build();
      okhttp3.Call download = images.newCall(request);
      call.onCancel(download::cancel); // a cancel aborts a download blocked on the network
      try (Response response = download.execute()) {
        if (response.isRedirect()) {
          String location = response.header("Location");
          HttpUrl next = location == null ? null : target.resolve(location);
          if (next == null || hops >= MAX_REDIRECTS) {
            throw new ProviderException(
                ErrorType.INVALID_RESPONSE,
                "the image at "
                    + target
                    + " answered HTTP "
                    + response.code()
                    + (next == null ? " without a usable Location" : " after too many redirects"));
          }
          target = next;
          continue;
        }
        if (!response.isSuccessful()) {
          throw new ProviderException(
              ErrorType.INVALID_RESPONSE,
              "the image at the provider's URL answered HTTP " + response.code());
        }
        String type = response.header("Content-Type");
        try (InputStream in = transport.limited(response).inputStream()) {
          call.storeBlob(type != null && type.startsWith("image/") ? type : contentType, in);
        }
        return;
      } catch (IOException e) {
        String refused = refusal(e);
        if (refused != null) {
          throw ImageFetchGuard.refused(target, refused);
        }
        throw e;
      }
    }
  }

  /** Why the guard refused the address a failed download resolved to, or null. */
  private static @Nullable String refusal(@Nullable Throwable t) {
    for (; t != null; t = t.getCause()) {
      if (t instanceof ImageFetchGuard.RefusedAddressException) {
        return t.getMessage();
      }
      for (Throwable s : t.getSuppressed()) {
        String r = refusal(s);
        if (r != null) {
          return r;
        }
      }
    }
    return null;
  }
}
