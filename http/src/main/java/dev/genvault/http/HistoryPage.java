package dev.genvault.http;

import static dev.genvault.http.GenerationPage.escape;

import com.squareup.moshi.JsonWriter;
import dev.genvault.BudgetStatus;
import dev.genvault.Cost;
import dev.genvault.Generation;
import dev.genvault.GenerationStatus;
import dev.genvault.GenerationUrls;
import dev.genvault.SpendRow;
import dev.genvault.Usage;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import okio.Buffer;
import org.jspecify.annotations.Nullable;

/**
 * The history as a page (a filter form, the spend of the range with a chart of daily spend drawn in
 * SVG, and a table of generations with a link to the next page) and as JSON. The page needs no
 * script; everything generated is escaped.
 */
final class HistoryPage {
  /** How much of a generation's text its row shows. */
  static final int PREVIEW_CHARS = 120;

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm").withZone(ZoneOffset.UTC);

  /** The chart's drawing box: one column of {@link #COLUMN} units per day. */
  private static final int COLUMN = 10;

  private static final int CHART_HEIGHT = 100;

  private HistoryPage() {}

  static String html(
      History.Filters f,
      List<Generation> rows,
      @Nullable String next,
      History.Summary s,
      String nav) {
    StringBuilder h = new StringBuilder(8192);
    h.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        .append("<title>History</title><link rel=\"stylesheet\" href=\".")
        .append(PageAssets.path("genvault.css"))
        .append("\"></head>\n<body><main class=\"history\">\n")
        .append(nav)
        .append("<h1>History</h1>\n");
    form(h, f, s);
    summary(h, s);
    table(h, rows);
    h.append("<nav class=\"pages\">");
    if (f.cursor() != null) {
      h.append("<a href=\"generations?").append(escape(f.query())).append("\">Newest</a> ");
    }
    if (next != null) {
      h.append("<a id=\"next\" rel=\"next\" href=\"generations?")
          .append(escape(f.query()))
          .append("cursor=")
          .append(escape(URLEncoder.encode(next, StandardCharsets.UTF_8)))
          .append("\">Older</a>");
    }
    return h.append("</nav>\n</main></body></html>\n").toString();
  }

  private static void form(StringBuilder h, History.Filters f, History.Summary s) {
    h.append("<form method=\"get\" action=\"generations\" class=\"filters\">")
        .append("<label>Model <input name=\"model\" list=\"models\" value=\"")
        .append(escape(f.model() == null ? "" : f.model()))
        .append("\"></label><datalist id=\"models\">");
    for (SpendRow row : s.byModel()) {
      h.append("<option value=\"").append(escape(String.valueOf(row.model()))).append("\">");
    }
    h.append("</datalist> <label>Status <select name=\"status\"><option value=\"\">any</option>");
    for (GenerationStatus status : GenerationStatus.values()) {
      h.append("<option")
          .append(status == f.status() ? " selected" : "")
          .append('>')
          .append(status.wireName())
          .append("</option>");
    }
    h.append("</select></label> <label>From <input type=\"date\" name=\"from\" value=\"")
        .append(f.from() == null ? "" : f.from().toString())
        .append("\"></label> <label>To <input type=\"date\" name=\"to\" value=\"")
        .append(f.to() == null ? "" : f.to().toString())
        .append("\"></label> <label><input type=\"checkbox\" name=\"threads\" value=\"1\"")
        .append(f.threads() ? " checked" : "")
        .append("> last turn of each chat</label>");
    if (f.limit() != History.DEFAULT_LIMIT) {
      h.append("<input type=\"hidden\" name=\"limit\" value=\"").append(f.limit()).append("\">");
    }
    h.append(" <button type=\"submit\">Filter</button></form>\n");
  }

  private static void summary(StringBuilder h, History.Summary s) {
    SpendRow t = s.total();
    h.append("<section class=\"spend\"><h2>Spend, ")
        .append(s.from())
        .append(" to ")
        .append(s.to())
        .append(" (UTC)</h2>\n<p><strong id=\"total-cost\" data-usd=\"")
        .append(t.costUsd().toPlainString())
        .append("\">")
        .append(usd(t.costUsd()))
        .append("</strong> for ")
        .append(count(t.generations()))
        .append(t.generations() == 1 ? " generation, " : " generations, ")
        .append(count(t.inputTokens()))
        .append(" tokens in, ")
        .append(count(t.outputTokens()))
        .append(" out")
        .append(unpriced(t))
        .append(".</p>\n");
    budgets(h, s);
    chart(h, s);
    h.append("<table class=\"by-model\"><caption>By model</caption><thead><tr><th>Model</th>")
        .append("<th>Generations</th><th>Tokens in</th><th>Tokens out</th><th>Cost</th></tr>")
        .append("</thead><tbody>\n");
    for (SpendRow row : s.byModel()) {
      spendRow(h, escape(String.valueOf(row.model())), row);
    }
    h.append("</tbody></table>\n<details><summary>By day</summary><table class=\"by-day\">")
        .append("<thead><tr><th>Day</th><th>Generations</th><th>Tokens in</th>")
        .append("<th>Tokens out</th><th>Cost</th></tr></thead><tbody>\n");
    for (SpendRow row : s.byDay()) {
      spendRow(h, String.valueOf(row.day()), row);
    }
    h.append("</tbody></table></details></section>\n");
  }

  /** Where each of the caller's budgets stands now. */
  private static void budgets(StringBuilder h, History.Summary s) {
    if (s.budgets().isEmpty()) {
      return;
    }
    h.append("<ul class=\"budgets\">");
    for (BudgetStatus b : s.budgets()) {
      h.append("<li data-remaining=\"")
          .append(b.remaining().toPlainString())
          .append("\">Budget ")
          .append(escape(b.budget().toString()))
          .append(" for ")
          .append(escape(b.owner()))
          .append(": ")
          .append(usd(b.spent()))
          .append(" spent, ")
          .append(usd(b.reserved()))
          .append(" reserved by generations running, ")
          .append(usd(b.remaining()))
          .append(" left; it starts again at ")
          .append(TIME.format(b.resetsAt()))
          .append(" UTC</li>");
    }
    h.append("</ul>\n");
  }

  private static void spendRow(StringBuilder h, String name, SpendRow row) {
    h.append("<tr><td>")
        .append(name)
        .append("</td><td>")
        .append(count(row.generations()))
        .append("</td><td>")
        .append(count(row.inputTokens()))
        .append("</td><td>")
        .append(count(row.outputTokens()))
        .append("</td><td>")
        .append(row.unpriced() == row.generations() ? "unpriced" : usd(row.costUsd()))
        .append(row.unpriced() > 0 && row.unpriced() < row.generations() ? unpriced(row) : "")
        .append("</td></tr>\n");
  }

  /** What a sum leaves out: " (N unpriced, not in the sum)", or nothing. */
  private static String unpriced(SpendRow row) {
    return row.unpriced() == 0 ? "" : " (" + count(row.unpriced()) + " unpriced, not in the sum)";
  }

  /**
   * Daily spend as bars, one per day of the range (an empty day has no height), scaled to the
   * largest day. Each bar carries its day and exact amount ({@code data-day}, {@code data-usd}) and
   * a title.
   */
  private static void chart(StringBuilder h, History.Summary s) {
    Map<LocalDate, BigDecimal> spend = new HashMap<>();
    BigDecimal max = BigDecimal.ZERO;
    for (SpendRow row : s.byDay()) {
      spend.put(row.day(), row.costUsd());
      max = max.max(row.costUsd());
    }
    int days = (int) (s.to().toEpochDay() - s.from().toEpochDay()) + 1;
    h.append("<figure class=\"chart\"><svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 ")
        .append(days * COLUMN)
        .append(' ')
        .append(CHART_HEIGHT)
        .append("\" preserveAspectRatio=\"none\" role=\"img\" aria-label=\"Daily spend\">");
    for (int i = 0; i < days; i++) {
      LocalDate day = s.from().plusDays(i);
      BigDecimal usd = spend.getOrDefault(day, BigDecimal.ZERO);
      double height =
          max.signum() == 0 ? 0 : usd.doubleValue() / max.doubleValue() * (CHART_HEIGHT - 2);
      if (usd.signum() > 0) {
        height = Math.max(height, 1); // a day with spend is never invisible
      }
      h.append("<rect class=\"bar\" x=\"")
          .append(i * COLUMN + 1)
          .append("\" y=\"")
          .append(String.format(Locale.ROOT, "%.2f", CHART_HEIGHT - height))
          .append("\" width=\"")
          .append(COLUMN - 2)
          .append("\" height=\"")
          .append(String.format(Locale.ROOT, "%.2f", height))
          .append("\" data-day=\"")
          .append(day)
          .append("\" data-usd=\"")
          .append(usd.toPlainString())
          .append("\"><title>")
          .append(day)
          .append(": ")
          .append(usd(usd))
          .append("</title></rect>");
    }
    h.append("</svg><figcaption>Daily spend, ")
        .append(s.from())
        .append(" to ")
        .append(s.to())
        .append("; the tallest bar is ")
        .append(usd(max))
        .append("</figcaption></figure>\n");
  }

  private static void table(StringBuilder h, List<Generation> rows) {
    if (rows.isEmpty()) {
      h.append("<p class=\"empty\">No generations match.</p>\n");
      return;
    }
    h.append("<table class=\"generations\"><caption>Generations, newest first</caption><thead><tr>")
        .append("<th>Created (UTC)</th><th>Status</th><th>Model</th><th>Text</th>")
        .append("<th>Tokens</th><th>Cost</th></tr></thead><tbody>\n");
    for (Generation g : rows) {
      h.append("<tr data-id=\"")
          .append(escape(g.id()))
          .append("\"><td><a href=\"")
          .append(escape(GenerationUrls.path(g).substring(1)))
          .append("\"><time datetime=\"")
          .append(g.createdAt())
          .append("\">")
          .append(TIME.format(g.createdAt()))
          .append("</time></a></td><td class=\"status ")
          .append(g.status().wireName())
          .append("\">")
          .append(g.status().wireName())
          .append(g.errorType() == null ? "" : " (" + g.errorType().wireName() + ")")
          .append("</td><td>")
          .append(escape(g.request().model()))
          .append("</td><td class=\"preview\">")
          .append(escape(preview(g)))
          .append("</td><td>")
          .append(tokens(g.usage()))
          .append("</td><td>")
          .append(g.cost() == null ? "unpriced" : usd(g.cost().usd()))
          .append("</td></tr>\n");
    }
    h.append("</tbody></table>\n");
  }

  /** The start of a generation's text on one line, or what it made when it has no text. */
  static String preview(Generation g) {
    String text = GenerationPage.startOf(g.text(), PREVIEW_CHARS);
    if (text.isEmpty()) {
      int files = g.blobs().size();
      return files == 0 ? "" : files == 1 ? "(1 file)" : "(" + files + " files)";
    }
    return text;
  }

  private static String tokens(@Nullable Usage u) {
    if (u == null) {
      return "";
    }
    return count(u.inputTokens()) + " / " + count(u.outputTokens());
  }

  private static String count(@Nullable Long n) {
    return n == null ? "?" : String.format(Locale.ROOT, "%,d", n);
  }

  private static String usd(BigDecimal usd) {
    return "$" + usd.toPlainString();
  }

  /** The JSON form: the rows, the next page's cursor and the summary; links under {@code base}. */
  static String json(List<Generation> rows, @Nullable String next, History.Summary s, String base)
      throws IOException {
    Buffer buffer = new Buffer();
    try (JsonWriter w = JsonWriter.of(buffer)) {
      w.setSerializeNulls(true);
      w.beginObject().name("generations").beginArray();
      for (Generation g : rows) {
        w.beginObject();
        w.name("id").value(g.id());
        w.name("url").value(base + GenerationUrls.path(g));
        w.name("status").value(g.status().wireName());
        w.name("errorType").value(g.errorType() == null ? null : g.errorType().wireName());
        w.name("model").value(g.request().model());
        w.name("createdAt").value(g.createdAt().toString());
        w.name("textStart").value(preview(g));
        Usage u = g.usage();
        w.name("inputTokens").value(u == null ? null : u.inputTokens());
        w.name("outputTokens").value(u == null ? null : u.outputTokens());
        Cost cost = g.cost();
        w.name("costUsd").value(cost == null ? null : cost.usd().toPlainString());
        w.endObject();
      }
      w.endArray();
      w.name("nextCursor").value(next);
      w.name("spend").beginObject();
      w.name("from").value(s.from().toString());
      w.name("to").value(s.to().toString());
      sums(w, s.total());
      w.name("byModel").beginArray();
      for (SpendRow row : s.byModel()) {
        w.beginObject().name("model").value(row.model());
        sums(w, row);
        w.endObject();
      }
      w.endArray().name("byDay").beginArray();
      for (SpendRow row : s.byDay()) {
        w.beginObject().name("day").value(String.valueOf(row.day()));
        sums(w, row);
        w.endObject();
      }
      w.endArray().endObject();
      w.name("budgets").beginArray();
      for (BudgetStatus b : s.budgets()) {
        w.beginObject();
        w.name("budget").value(b.budget().toString());
        w.name("owner").value(b.owner());
        w.name("limitUsd").value(b.budget().limit().toPlainString());
        w.name("spentUsd").value(b.spent().toPlainString());
        w.name("reservedUsd").value(b.reserved().toPlainString());
        w.name("remainingUsd").value(b.remaining().toPlainString());
        w.name("resetsAt").value(b.resetsAt().toString());
        w.endObject();
      }
      w.endArray().endObject();
    }
    return buffer.readUtf8();
  }

  private static void sums(JsonWriter w, SpendRow row) throws IOException {
    w.name("generations").value(row.generations());
    w.name("inputTokens").value(row.inputTokens());
    w.name("outputTokens").value(row.outputTokens());
    w.name("costUsd").value(row.costUsd().toPlainString());
    w.name("unpriced").value(row.unpriced());
  }
}
