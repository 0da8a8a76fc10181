package dev.genvault.http;

import com.squareup.moshi.JsonWriter;
import com.sun.net.httpserver.HttpExchange;
import dev.genvault.BlobRef;
import dev.genvault.Cost;
import dev.genvault.Generation;
import dev.genvault.GenerationRequest;
import dev.genvault.GenerationUrls;
import dev.genvault.Message;
import dev.genvault.Usage;
import dev.genvault.internal.RecordJson;
import java.io.IOException;
import java.util.Map;
import okio.Buffer;
import org.jspecify.annotations.Nullable;

/**
 * The JSON the routes answer: a record in the caller's {@link Visibility}, and a delta of streamed
 * text.
 */
final class RecordJsonView {
  private RecordJsonView() {}

  /** One delta of text as the data of a {@code delta} event. */
  static String textJson(String text) throws IOException {
    Buffer buffer = new Buffer();
    try (JsonWriter w = JsonWriter.of(buffer)) {
      w.beginObject().name("text").value(text).endObject();
    }
    return buffer.readUtf8();
  }

  /** The record as JSON in a caller's view; blobs by their route, not their storage key. */
  static String json(Generation g, Visibility visibility, HttpExchange exchange)
      throws IOException {
    return json(g, visibility, exchange, null);
  }

  /** The record with its thread's turns (when not null), as {@link ThreadJsonView} writes them. */
  static String json(
      Generation g, Visibility visibility, HttpExchange exchange, @Nullable ThreadTurns thread)
      throws IOException {
    boolean full = visibility == Visibility.FULL;
    String base = exchange.getHttpContext().getPath();
    base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    Buffer buffer = new Buffer();
    try (JsonWriter w = JsonWriter.of(buffer)) {
      w.setSerializeNulls(false);
      w.beginObject();
      w.name("id").value(g.id());
      w.name("kind").value(g.kind().wireName());
      w.name("status").value(g.status().wireName());
      w.name("model").value(g.model());
      w.name("provider").value(g.provider());
      w.name("providerModel").value(g.providerModel());
      w.name("text").value(g.text());
      w.name("finishReason").value(g.finishReason());
      if (g.errorType() != null) {
        w.name("errorType").value(g.errorType().wireName());
        w.name("errorMessage").value(g.errorMessage());
      }
      Usage usage = g.usage();
      if (usage != null) {
        w.name("usage");
        try (okio.BufferedSink sink = w.valueSink()) {
          sink.writeUtf8(RecordJson.usage(usage, RecordJson.Casing.CAMEL));
        }
      }
      Cost cost = g.cost();
      if (cost != null) {
        w.name("cost")
            .beginObject()
            .name("usd")
            .value(cost.usd().toPlainString())
            .name("priceSource")
            .value(cost.source().id())
            .endObject();
      }
      if (g.savedCost() != null) {
        w.name("savedCostUsd").value(g.savedCost().toPlainString());
      }
      if (full) {
        w.name("cachedFrom").value(g.cachedFrom());
      }
      if (g.toolCalls() != null) {
        w.name("toolCalls");
        try (okio.BufferedSink sink = w.valueSink()) {
          sink.writeUtf8(g.toolCalls());
        }
      }
      if (!g.attributes().isEmpty()) {
        w.name("attributes").beginObject();
        for (Map.Entry<String, String> e : g.attributes().entrySet()) {
          w.name(e.getKey()).value(e.getValue());
        }
        w.endObject();
      }
      if (!g.blobs().isEmpty()) {
        w.name("blobs").beginArray();
        for (int n = 0; n < g.blobs().size(); n++) {
          BlobRef b = g.blobs().get(n);
          w.beginObject()
              .name("url")
              .value(base + GenerationUrls.blobPath(g, n))
              .name("contentType")
              .value(b.contentType())
              .name("size")
              .value(b.size())
              .name("sha256")
              .value(b.sha256())
              .endObject();
        }
        w.endArray();
      }
      w.name("request");
      if (full) {
        try (okio.BufferedSink sink = w.valueSink()) {
          sink.writeUtf8(RecordJson.request(g.request(), RecordJson.Casing.CAMEL));
        }
      } else {
        publicRequest(w, g.request());
      }
      w.name("createdAt").value(g.createdAt().toString());
      if (g.firstTokenAt() != null) {
        w.name("firstTokenAt").value(g.firstTokenAt().toString());
      }
      if (g.completedAt() != null) {
        w.name("completedAt").value(g.completedAt().toString());
      }
      if (thread != null) {
        ThreadJsonView.write(w, g.threadId(), thread.turns(), base, thread.more());
      }
      w.endObject();
    }
    return buffer.readUtf8();
  }

  /** The turns of a generation's thread, oldest first, and whether older ones were left out. */
  record ThreadTurns(java.util.List<ThreadJsonView.Turn> turns, boolean more) {}

  /** Whether {@link Visibility#PUBLIC} shows a message: all but system and developer ones. */
  static boolean isPublic(Message m) {
    return !m.role().equals("system") && !m.role().equals("developer");
  }

  /**
   * The request as {@link Visibility#PUBLIC} shows it: kind, model, prompt and the messages other
   * than system and developer ones. Named fields only, so a field added later is not shown.
   */
  private static void publicRequest(JsonWriter w, GenerationRequest r) throws IOException {
    w.beginObject();
    w.name("kind").value(r.kind().wireName());
    w.name("model").value(r.model());
    w.name("prompt").value(r.prompt());
    if (!r.messages().isEmpty()) {
      w.name("messages").beginArray();
      for (Message m : r.messages()) {
        if (isPublic(m)) {
          w.beginObject().name("role").value(m.role()).name("content").value(m.content());
          w.endObject();
        }
      }
      w.endArray();
    }
    w.endObject();
  }
}
