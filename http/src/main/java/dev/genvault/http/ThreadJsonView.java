package dev.genvault.http;

import com.squareup.moshi.JsonWriter;
import dev.genvault.Cost;
import dev.genvault.Generation;
import dev.genvault.GenerationUrls;
import dev.genvault.Message;
import dev.genvault.Usage;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.List;

/**
 * The {@code thread} of a chat generation's JSON: every turn of the conversation it belongs to,
 * oldest first, each with its own status, cost, link and the messages it added (its parent's are
 * the turns before it), and the thread's totals. A live turn carries its event stream's path, to
 * follow it while it streams.
 */
final class ThreadJsonView {
  /** The most turns a thread's JSON lists (the newest ones); the totals cover those. */
  static final int MAX_TURNS = 500;

  /** One turn and how much of it the caller may see. */
  record Turn(Generation generation, Visibility visibility) {}

  private ThreadJsonView() {}

  static void write(JsonWriter w, String threadId, List<Turn> turns, String base, boolean more)
      throws IOException {
    long input = 0;
    long output = 0;
    BigDecimal cost = BigDecimal.ZERO;
    w.name("thread").beginObject();
    w.name("id").value(threadId);
    w.name("turns").beginArray();
    for (Turn turn : turns) {
      Generation g = turn.generation();
      w.beginObject();
      w.name("id").value(g.id());
      w.name("url").value(base + GenerationUrls.path(g));
      w.name("status").value(g.status().wireName());
      if (!g.isTerminal()) {
        w.name("events").value(base + GenerationUrls.path(g) + "/events");
      }
      w.name("createdAt").value(g.createdAt().toString());
      w.name("model").value(g.model());
      w.name("messages").beginArray();
      List<Message> added =
          g.request().prompt() != null
              ? List.of(Message.user(g.request().prompt()))
              : g.request()
                  .messages()
                  .subList(g.inheritedMessages(), g.request().messages().size());
      for (Message m : added) {
        if (turn.visibility() == Visibility.FULL || RecordJsonView.isPublic(m)) {
          w.beginObject().name("role").value(m.role()).name("content").value(m.content());
          w.endObject();
        }
      }
      w.endArray();
      w.name("text").value(g.text());
      if (g.errorType() != null) {
        w.name("errorType").value(g.errorType().wireName());
      }
      Usage usage = g.usage();
      if (usage != null) {
        w.name("inputTokens").value(usage.inputTokens());
        w.name("outputTokens").value(usage.outputTokens());
        input += usage.inputTokens() == null ? 0 : usage.inputTokens();
        output += usage.outputTokens() == null ? 0 : usage.outputTokens();
      }
      Cost c = g.cost();
      if (c != null) {
        w.name("costUsd").value(c.usd().toPlainString());
        cost = cost.add(c.usd());
      }
      w.endObject();
    }
    w.endArray();
    w.name("complete").value(!more);
    w.name("totals").beginObject();
    w.name("generations").value(turns.size());
    w.name("inputTokens").value(input);
    w.name("outputTokens").value(output);
    w.name("costUsd").value(cost.toPlainString());
    w.endObject();
    w.endObject();
  }
}
