package dev.genvault.http;

import com.sun.net.httpserver.HttpExchange;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/**
 * The page's stylesheet and script, served by the module under a path that holds a hash of their
 * content ({@code /assets/{hash}/genvault.css}): cached for good by browsers, and a new release
 * gets a new path.
 */
final class PageAssets {
  /** An asset: its bytes and content type. */
  private record Asset(byte[] bytes, String type) {}

  private static final Map<String, Asset> FILES =
      Map.of(
          "genvault.css", load("genvault.css", "text/css; charset=utf-8"),
          "genvault.js", load("genvault.js", "text/javascript; charset=utf-8"));

  /** The hash in the assets' path: the start of the SHA-256 of both files. */
  static final String VERSION = version();

  private PageAssets() {}

  /** The path of an asset under the routes, e.g. {@code /assets/3f2a.../genvault.css}. */
  static String path(String name) {
    return "/assets/" + VERSION + "/" + name;
  }

  /** Whether a path is an asset's, answered by {@link #send}. */
  static boolean isAsset(String path) {
    return path.startsWith("/assets/");
  }

  /** Answers an asset path: the file, cached for a year, or 404 for any other path. */
  static void send(HttpExchange exchange, String path, boolean head) throws IOException {
    String prefix = "/assets/" + VERSION + "/";
    Asset asset = path.startsWith(prefix) ? FILES.get(path.substring(prefix.length())) : null;
    if (asset == null) {
      Answers.notFound(exchange, head);
      return;
    }
    exchange.getResponseHeaders().set("Cache-Control", "public, max-age=31536000, immutable");
    exchange.getResponseHeaders().set("Content-Type", asset.type());
    exchange.sendResponseHeaders(200, head ? -1 : asset.bytes().length);
    if (!head) {
      exchange.getResponseBody().write(asset.bytes());
    }
  }

  private static Asset load(String name, String type) {
    try (InputStream in = PageAssets.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return new Asset(in.readAllBytes(), type);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String version() {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(FILES.get("genvault.css").bytes());
      sha.update(FILES.get("genvault.js").bytes());
      return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
