package dev.genvault.http;

import com.sun.net.httpserver.HttpExchange;
import dev.genvault.BlobRef;
import dev.genvault.Generation;
import dev.genvault.spi.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Serves the {@code n}-th file of a generation with the content type its first bytes show: PNG,
 * JPEG, GIF and WebP inline, anything else as an attachment.
 */
final class BlobAnswer {
  private BlobAnswer() {}

  /** Sends the file, or 404 when there are no blobs, no such file or its bytes are gone. */
  static void send(
      HttpExchange exchange, @Nullable BlobStore blobs, Generation g, int n, boolean head)
      throws IOException {
    if (blobs == null || n >= g.blobs().size()) {
      Answers.notFound(exchange, head);
      return;
    }
    BlobRef ref = g.blobs().get(n);
    Optional<InputStream> opened = blobs.open(ref.key());
    if (opened.isEmpty()) {
      Answers.notFound(exchange, head);
      return;
    }
    try (PushbackInputStream in = new PushbackInputStream(opened.get(), 12)) {
      byte[] magic = new byte[12];
      int read = in.readNBytes(magic, 0, magic.length);
      in.unread(magic, 0, read);
      String sniffed = sniff(magic, read);
      if (sniffed != null) {
        exchange.getResponseHeaders().set("Content-Type", sniffed);
        exchange.getResponseHeaders().set("Content-Disposition", "inline");
      } else {
        exchange.getResponseHeaders().set("Content-Type", "application/octet-stream");
        exchange
            .getResponseHeaders()
            .set("Content-Disposition", "attachment; filename=\"" + g.id() + "-" + n + ".bin\"");
      }
      exchange.sendResponseHeaders(200, head ? -1 : ref.size());
      if (!head) {
        in.transferTo(exchange.getResponseBody());
      }
    }
  }

  /** The content type of a raster image from its first bytes, or null for anything else. */
  static @Nullable String sniff(byte[] b, int n) {
    if (n >= 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
      return "image/png";
    }
    if (n >= 3 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8 && (b[2] & 0xff) == 0xFF) {
      return "image/jpeg";
    }
    if (n >= 6 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F' && b[3] == '8') {
      return "image/gif";
    }
    if (n >= 12
        && b[0] == 'R'
        && b[1] == 'I'
        && b[2] == 'F'
        && b[3] == 'F'
        && b[8] == 'W'
        && b[9] == 'E'
        && b[10] == 'B'
        && b[11] == 'P') {
      return "image/webp";
    }
    return null;
  }
}
