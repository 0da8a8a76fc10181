package dev.genvault.http;

import dev.genvault.BlobRef;
import dev.genvault.Generation;
import dev.genvault.GenerationStatus;
import dev.genvault.GenerationUrls;
import dev.genvault.Message;
import dev.genvault.Usage;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A generation as a small HTML page: model, status, time, usage and cost, the conversation (for a
 * chat) with the answer last, its images, and the error of a failed one. Everything generated is
 * escaped and shown as text. A finished generation needs no script; a live one names its event
 * stream and the length of the text already on the page, and the module's script appends what
 * follows.
 */
final class GenerationPage {
  /** File types shown as images; any other file is a link. */
  private static final Set<String> RASTER =
      Set.of("image/png", "image/jpeg", "image/gif", "image/webp");

  static final String HTML = "text/html; charset=utf-8";

  private static final DateTimeFormatter CREATED =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

  /** The page's Content-Security-Policy: no inline script or style, nothing from elsewhere. */
  static final String CSP =
      "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self';"
          + " base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

  private GenerationPage() {}

  /**
   * The page of {@code g} as {@code visibility} shows it. Paths are relative to the page's own path
   * ({@code /chat/{id}}), so the routes work under any context path.
   */
  static String html(
      Generation g,
      Visibility visibility,
      String nav,
      RecordJsonView.@Nullable ThreadTurns thread) {
    boolean live = !g.isTerminal();
    StringBuilder h = new StringBuilder(2048 + g.text().length() * 2);
    h.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>")
        .append(escape(g.request().model()))
        .append(" · ")
        .append(escape(g.id()))
        .append("</title><link rel=\"stylesheet\" href=\"..")
        .append(PageAssets.path("genvault.css"))
        .append("\"></head>\n<body><main class=\"generation")
        .append(live ? " live" : "")
        .append("\" data-status=\"")
        .append(g.status().wireName())
        .append('"');
    if (live) {
      h.append(" data-events=\"")
          .append(escape(g.id()))
          .append("/events\" data-offset=\"")
          .append(g.text().length())
          .append('"');
    }
    h.append(">\n")
        .append(nav)
        .append("<header><h1>")
        .append(escape(g.request().model()))
        .append("</h1>");
    facts(h, g, visibility);
    h.append("</header>\n");
    conversation(h, g, visibility);
    h.append("<section class=\"message answer\"><span class=\"role\">answer</span>")
        .append("<pre class=\"text\" id=\"text\">\n") // a newline here is dropped by HTML
        .append(escape(g.text()))
        .append("</pre></section>\n");
    files(h, g);
    turns(h, g, thread);
    if (g.status() == GenerationStatus.ERROR) {
      h.append("<p class=\"error\" id=\"error\"><strong>")
          .append(escape(g.errorType() == null ? "error" : g.errorType().wireName()))
          .append("</strong>")
          .append(g.errorMessage() == null ? "" : ": " + escape(g.errorMessage()))
          .append("</p>\n");
    }
    h.append("</main>");
    if (live) {
      h.append("<script src=\"..")
          .append(PageAssets.path("genvault.js"))
          .append("\" defer></script>");
    }
    return h.append("</body></html>\n").toString();
  }

  private static void facts(StringBuilder h, Generation g, Visibility visibility) {
    h.append("<dl class=\"facts\"><dt>Status</dt><dd id=\"status\">").append(g.status().wireName());
    if (g.errorType() != null) {
      h.append(" (").append(g.errorType().wireName()).append(')');
    }
    h.append("</dd><dt>Created</dt><dd><time datetime=\"")
        .append(g.createdAt())
        .append("\">")
        .append(CREATED.format(g.createdAt()))
        .append("</time></dd>");
    // The script fills in usage and cost when a live generation ends.
    Usage usage = g.usage();
    h.append("<dt>Usage</dt><dd id=\"usage\">");
    if (usage != null) {
      h.append(tokens(usage.inputTokens()))
          .append(" in, ")
          .append(tokens(usage.outputTokens()))
          .append(" out");
    } else {
      h.append(g.isTerminal() ? "not reported" : "…");
    }
    h.append("</dd><dt>Cost</dt><dd id=\"cost\">");
    if (g.cost() != null) {
      h.append('$').append(g.cost().usd().toPlainString());
    } else {
      h.append(g.isTerminal() ? "unpriced" : "…");
    }
    h.append("</dd>");
    if (g.savedCost() != null) {
      h.append("<dt>Saved</dt><dd>$")
          .append(g.savedCost().toPlainString())
          .append(" (served from the cache)</dd>");
    }
    if (visibility == Visibility.FULL && g.request().userId() != null) {
      h.append("<dt>User</dt><dd>").append(escape(g.request().userId())).append("</dd>");
    }
    h.append("</dl>");
  }

  private static String tokens(Long n) {
    return n == null ? "?" : String.format(Locale.ROOT, "%,d", n);
  }

  /** A chat's messages, oldest first (system and developer ones only in the full view). */
  private static void conversation(StringBuilder h, Generation g, Visibility visibility) {
    List<Message> messages = g.request().messages();
    if (messages.isEmpty()) {
      if (visibility == Visibility.FULL && g.request().system() != null) {
        message(h, "system", g.request().system());
      }
      if (g.request().prompt() != null) {
        message(h, "prompt", g.request().prompt());
      }
      return;
    }
    h.append("<section class=\"thread\">\n");
    for (Message m : messages) {
      if (visibility == Visibility.FULL || RecordJsonView.isPublic(m)) {
        message(h, m.role(), m.content());
      }
    }
    h.append("</section>\n");
  }

  private static void message(StringBuilder h, String role, String content) {
    h.append("<div class=\"message\"><span class=\"role\">")
        .append(escape(role))
        .append("</span><pre class=\"text\">\n")
        .append(escape(content))
        .append("</pre></div>\n");
  }

  /**
   * The turns of a chat's thread, oldest first, when it has more than this one: each with its
   * question, status, cost and link, this one marked.
   */
  private static void turns(
      StringBuilder h, Generation g, RecordJsonView.@Nullable ThreadTurns thread) {
    if (thread == null || thread.turns().size() < 2) {
      return;
    }
    h.append("<section class=\"turns\"><h2>This conversation</h2>");
    if (thread.more()) {
      h.append("<p class=\"more\">Only its latest turns are listed.</p>");
    }
    h.append("<ol>");
    for (ThreadJsonView.Turn turn : thread.turns()) {
      Generation t = turn.generation();
      boolean self = t.id().equals(g.id());
      h.append("<li")
          .append(self ? " class=\"self\" aria-current=\"page\"" : "")
          .append(" data-id=\"")
          .append(escape(t.id()))
          .append("\"><a href=\"..")
          .append(escape(GenerationUrls.path(t)))
          .append("\">")
          .append(escape(question(t)))
          .append("</a> <span class=\"status\">")
          .append(t.status().wireName())
          .append("</span> <span class=\"cost\">")
          .append(t.cost() == null ? "unpriced" : "$" + t.cost().usd().toPlainString())
          .append("</span>")
          .append(self ? " <span class=\"here\">(this turn)</span>" : "")
          .append("</li>");
    }
    h.append("</ol></section>\n");
  }

  /** A turn's last user message on one line, cut short: what it asked. */
  private static String question(Generation t) {
    String asked = "";
    for (Message m : t.request().messages()) {
      if (m.role().equals("user")) {
        asked = m.content();
      }
    }
    return startOf(asked, 80);
  }

  /**
   * The start of a text on one line: its runs of white space made one space, at most {@code chars}
   * characters, and "…" when cut; never half a character.
   */
  static String startOf(String text, int chars) {
    int cut = Math.min(text.length(), chars * 4); // enough for the start, however spaced
    if (cut < text.length() && Character.isHighSurrogate(text.charAt(cut - 1))) {
      cut--;
    }
    String line = text.substring(0, cut).strip().replaceAll("\\s+", " ");
    if (line.length() <= chars) {
      return line;
    }
    int end = Character.isHighSurrogate(line.charAt(chars - 1)) ? chars - 1 : chars;
    return line.substring(0, end) + "…";
  }

  /** Its files: an image for a raster type, a link for anything else. */
  private static void files(StringBuilder h, Generation g) {
    List<BlobRef> blobs = g.blobs();
    for (int n = 0; n < blobs.size(); n++) {
      String src = ".." + escape(GenerationUrls.blobPath(g, n));
      if (RASTER.contains(blobs.get(n).contentType())) {
        h.append("<figure><img src=\"")
            .append(src)
            .append("\" alt=\"image ")
            .append(n + 1)
            .append("\"></figure>\n");
      } else {
        h.append("<p><a href=\"").append(src).append("\">file ").append(n + 1).append("</a></p>\n");
      }
    }
  }

  /**
   * Links to the routes' other pages that are turned on (the history, the form for a new
   * generation), relative to a page whose path is {@code up} below the routes' root ({@code ..} for
   * {@code /chat/{id}}, {@code .} for {@code /generations}); empty when neither is on.
   */
  static String nav(String up, boolean history, boolean submit) {
    if (!history && !submit) {
      return "";
    }
    StringBuilder h = new StringBuilder("<nav class=\"site\">");
    if (submit) {
      h.append("<a href=\"").append(up).append("/generate\">New generation</a>");
    }
    if (history) {
      h.append("<a href=\"").append(up).append("/generations\">History</a>");
    }
    return h.append("</nav>\n").toString();
  }

  /** Text as HTML text or attribute value: {@code & < > " '} escaped. */
  static String escape(String s) {
    StringBuilder out = new StringBuilder(s.length() + 16);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
