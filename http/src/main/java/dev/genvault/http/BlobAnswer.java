package dev.genvault.http;

import com.sun.net.httpserver.HttpExchange;
import dev.genvault.BlobRef;
import dev.genvault.Generation;
import dev.genvault.internal.ContentTypes;
import dev.genvault.spi.BlobStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.PushbackInputStream;
import java.net.URI;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Serves the {@code n}-th file of a generation: a redirect to the URL the blob store mints for it
 * when it gives one, else the bytes with the content type their first bytes show: PNG, JPEG, GIF
 * and WebP inline, anything else as an attachment.
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
    Optional<URI> url = blobs.url(ref);
    if (url.isPresent()) {
      // Minted for this read (a presigned URL expires): never cached, never sent on as referrer.
      exchange.getResponseHeaders().set("Location", url.get().toASCIIString());
      exchange.getResponseHeaders().set("Cache-Control", "no-store");
      exchange.getResponseHeaders().set("Referrer-Policy", "no-referrer");
      exchange.sendResponseHeaders(302, -1);
      return;
    }
    Optional<InputStream> opened = blobs.open(ref.key());
    if (opened.isEmpty()) {
      Answers.notFound(exchange, head);
      return;
    }
    try (PushbackInputStream in = new PushbackInputStream(opened.get(), ContentTypes.SNIFF_BYTES)) {
      byte[] magic = new byte[ContentTypes.SNIFF_BYTES];
      int read = in.readNBytes(magic, 0, magic.length);
      in.unread(magic, 0, read);
      String sniffed = ContentTypes.sniff(magic, read);
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
}
