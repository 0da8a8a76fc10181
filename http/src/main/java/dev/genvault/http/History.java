package dev.genvault.http;

import com.sun.net.httpserver.HttpExchange;
import dev.genvault.BudgetStatus;
import dev.genvault.Generation;
import dev.genvault.GenerationOwner;
import dev.genvault.GenerationQuery;
import dev.genvault.GenerationStatus;
import dev.genvault.Page;
import dev.genvault.PersistentGenerator;
import dev.genvault.SpendQuery;
import dev.genvault.SpendRow;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code GET /generations}: the caller's generations, newest first, a page at a time, filtered by
 * model, status and date range, with the spend of the range by model and by day; a page, or JSON
 * for {@code Accept: application/json}. The caller comes from the app's {@link Caller.Resolver};
 * nobody signed in is a 404, like everything else a caller may not see.
 */
final class History {
  private static final Logger log = LoggerFactory.getLogger(GenerationRoutes.class);
  static final String PATH = "/generations";

  /** The days a summary covers when no range is given: today and the 29 before. */
  static final int DEFAULT_DAYS = 30;

  /** The longest range a summary covers: a year, leap day included. */
  static final int MAX_DAYS = 366;

  /** The dates a filter may name: what every store can hold, a day to spare at the end. */
  private static final LocalDate FIRST_DAY = LocalDate.of(1970, 1, 1);

  private static final LocalDate LAST_DAY = LocalDate.of(9999, 12, 30);

  static final int DEFAULT_LIMIT = 50;
  static final int MAX_LIMIT = 200;
  private static final int MAX_MODEL_CHARS = 256;

  private final PersistentGenerator generator;
  private final Caller.Resolver callers;
  private final Clock clock;

  History(PersistentGenerator generator, Caller.Resolver callers, Clock clock) {
    this.generator = generator;
    this.callers = callers;
    this.clock = clock;
  }

  /**
   * What was asked for: filters, range and page. Dates are UTC days, both ends included. The list
   * keeps to the ends that are given; the summary covers the days {@link #range} reports.
   */
  record Filters(
      @Nullable String model,
      @Nullable GenerationStatus status,
      @Nullable LocalDate from,
      @Nullable LocalDate to,
      boolean threads,
      int limit,
      @Nullable String cursor) {

    /**
     * The filters of a query string's fields; blank fields are not set.
     *
     * @throws IllegalArgumentException with a short message for the caller
     */
    static Filters parse(Map<String, String> fields) {
      String model = blankToNull(fields.get("model"));
      if (model != null && model.length() > MAX_MODEL_CHARS) {
        throw new IllegalArgumentException("model is at most " + MAX_MODEL_CHARS + " characters");
      }
      GenerationStatus status = null;
      String s = blankToNull(fields.get("status"));
      if (s != null) {
        status =
            Arrays.stream(GenerationStatus.values())
                .filter(v -> v.wireName().equals(s))
                .findFirst()
                .orElseThrow(
                    () ->
                        new IllegalArgumentException(
                            "status must be one of "
                                + Arrays.stream(GenerationStatus.values())
                                    .map(GenerationStatus::wireName)
                                    .collect(Collectors.joining(", "))));
      }
      LocalDate from = date(fields, "from");
      LocalDate to = date(fields, "to");
      if (from != null && to != null && from.isAfter(to)) {
        throw new IllegalArgumentException("from must not be after to");
      }
      int limit = DEFAULT_LIMIT;
      String l = blankToNull(fields.get("limit"));
      if (l != null) {
        try {
          limit = Integer.parseInt(l);
        } catch (NumberFormatException e) {
          limit = 0;
        }
        if (limit < 1 || limit > MAX_LIMIT) {
          throw new IllegalArgumentException("limit must be a number from 1 to " + MAX_LIMIT);
        }
      }
      String cursor = blankToNull(fields.get("cursor"));
      if (cursor != null) {
        try {
          GenerationQuery.builder().cursor(cursor);
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("not a valid page cursor", e);
        }
      }
      String t = blankToNull(fields.get("threads"));
      if (t != null && !t.equals("1") && !t.equals("0")) {
        throw new IllegalArgumentException("threads must be 1 or 0");
      }
      boolean threads = "1".equals(t);
      return new Filters(model, status, from, to, threads, limit, cursor);
    }

    private static @Nullable LocalDate date(Map<String, String> fields, String name) {
      String value = blankToNull(fields.get(name));
      if (value == null) {
        return null;
      }
      LocalDate date;
      try {
        date = LocalDate.parse(value);
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(name + " must be a date like 2026-01-31");
      }
      if (date.isBefore(FIRST_DAY) || date.isAfter(LAST_DAY)) {
        throw new IllegalArgumentException(
            name + " must be a date from " + FIRST_DAY + " to " + LAST_DAY);
      }
      return date;
    }

    /**
     * The days the summary covers, both included: the range given, an open end filled in (up to
     * today, or {@value #DEFAULT_DAYS} days back from the end), the last {@value #DEFAULT_DAYS}
     * days when neither end is given, and the last {@value #MAX_DAYS} days of a longer range.
     */
    LocalDate[] range(LocalDate today) {
      LocalDate end = to;
      LocalDate start = from;
      if (end == null) {
        end = start == null || !start.isAfter(today) ? today : start;
      }
      if (start == null) {
        start = end.minusDays(DEFAULT_DAYS - 1L);
      }
      if (ChronoUnit.DAYS.between(start, end) >= MAX_DAYS) {
        start = end.minusDays(MAX_DAYS - 1L);
      }
      return new LocalDate[] {start, end};
    }

    /**
     * A query string that repeats these filters (no cursor), ending in {@code &} when not empty.
     */
    String query() {
      StringBuilder q = new StringBuilder();
      param(q, "model", model);
      param(q, "status", status == null ? null : status.wireName());
      param(q, "from", from == null ? null : from.toString());
      param(q, "to", to == null ? null : to.toString());
      param(q, "threads", threads ? "1" : null);
      param(q, "limit", limit == DEFAULT_LIMIT ? null : Integer.toString(limit));
      return q.toString();
    }

    private static void param(StringBuilder q, String name, @Nullable String value) {
      if (value != null) {
        q.append(name).append('=').append(URLEncoder.encode(value, StandardCharsets.UTF_8));
        q.append('&');
      }
    }
  }

  /**
   * The spend of a range: one row per model and per day that had generations, oldest day first, and
   * the total.
   */
  record Summary(
      LocalDate from,
      LocalDate to,
      SpendRow total,
      List<SpendRow> byModel,
      List<SpendRow> byDay,
      List<BudgetStatus> budgets) {}

  /** Answers a {@code GET} or {@code HEAD} of the history. */
  void get(
      HttpExchange exchange,
      boolean head,
      Function<GenerationOwner, Visibility> visibility,
      String nav)
      throws IOException {
    // What a user spent is not kept on their disk, nor any answer about it.
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    exchange.getResponseHeaders().add("Vary", "Accept");
    Caller caller = caller(exchange);
    if (caller == null) {
      Answers.notFound(exchange, head);
      return;
    }
    Filters filters;
    try {
      filters = Filters.parse(FormFields.decode(exchange.getRequestURI().getRawQuery()));
    } catch (IllegalArgumentException e) {
      Answers.send(exchange, 400, "text/plain; charset=utf-8", e.getMessage() + "\n", head);
      return;
    }
    Page<Generation> page = generator.list(query(caller, filters));
    List<Generation> rows = new ArrayList<>(page.items().size());
    for (Generation g : page.items()) {
      if (visibility.apply(GenerationOwner.of(g)) != Visibility.NONE) {
        rows.add(g);
      }
    }
    LocalDate[] range = filters.range(LocalDate.now(clock.withZone(ZoneOffset.UTC)));
    Summary summary = summary(caller, filters, range[0], range[1]);
    String accept = String.valueOf(exchange.getRequestHeaders().getFirst("Accept"));
    if (accept.contains("application/json")) {
      String base = exchange.getHttpContext().getPath();
      base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
      String json = HistoryPage.json(rows, page.nextCursor(), summary, base);
      Answers.send(exchange, 200, Answers.JSON, json, head);
    } else {
      exchange.getResponseHeaders().set("Content-Security-Policy", GenerationPage.CSP);
      String html = HistoryPage.html(filters, rows, page.nextCursor(), summary, nav);
      Answers.send(exchange, 200, GenerationPage.HTML, html, head);
    }
  }

  private @Nullable Caller caller(HttpExchange exchange) {
    try {
      return callers.caller(exchange);
    } catch (RuntimeException e) {
      log.warn("the Caller.Resolver failed on {}; answered 404", PATH, e);
      return null;
    }
  }

  private static GenerationQuery query(Caller caller, Filters f) {
    GenerationQuery.Builder q =
        GenerationQuery.builder()
            .userId(caller.userId())
            .tenantId(caller.tenantId())
            .model(f.model())
            .status(f.status())
            .lastTurnsOnly(f.threads())
            .limit(f.limit())
            .cursor(f.cursor());
    if (f.from() != null) {
      q.createdFrom(f.from().atStartOfDay().toInstant(ZoneOffset.UTC));
    }
    if (f.to() != null) {
      q.createdBefore(f.to().plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC));
    }
    return q.build();
  }

  /**
   * The spend of the range: every generation of the caller's user (and tenant, when the caller has
   * one) in every status, of the filtered model only when one is given. The sums come from the
   * store at once: the {@link Authorizer} is not asked about each generation, as it is for rows.
   */
  private Summary summary(Caller caller, Filters f, LocalDate from, LocalDate to) {
    SpendQuery q =
        SpendQuery.between(
                from.atStartOfDay().toInstant(ZoneOffset.UTC),
                to.plusDays(1).atStartOfDay().toInstant(ZoneOffset.UTC),
                SpendQuery.Dimension.MODEL,
                SpendQuery.Dimension.DAY)
            .forUser(caller.userId());
    if (caller.tenantId() != null) {
      q = q.forTenant(caller.tenantId());
    }
    Map<String, SpendRow> byModel = new TreeMap<>();
    Map<LocalDate, SpendRow> byDay = new TreeMap<>();
    SpendRow total = new SpendRow(null, null, null, 0, 0, 0, BigDecimal.ZERO);
    for (SpendRow row : generator.spend(q)) {
      String model = Objects.requireNonNullElse(row.model(), "");
      if (f.model() != null && !f.model().equals(model)) {
        continue;
      }
      LocalDate day = Objects.requireNonNull(row.day(), "a spend row grouped by day has a day");
      byModel.merge(model, keyed(row, model, null), History::sum);
      byDay.merge(day, keyed(row, null, day), History::sum);
      total = sum(total, row);
    }
    return new Summary(
        from,
        to,
        total,
        List.copyOf(byModel.values()),
        List.copyOf(byDay.values()),
        generator.budgetStatus(caller.userId(), caller.tenantId()));
  }

  /** The row's sums under another key. */
  private static SpendRow keyed(SpendRow row, @Nullable String model, @Nullable LocalDate day) {
    return new SpendRow(
        null,
        model,
        day,
        row.generations(),
        row.inputTokens(),
        row.outputTokens(),
        row.costUsd(),
        row.unpriced());
  }

  /** The sums of two rows under the first one's key. */
  private static SpendRow sum(SpendRow a, SpendRow b) {
    return new SpendRow(
        a.userId(),
        a.model(),
        a.day(),
        a.generations() + b.generations(),
        a.inputTokens() + b.inputTokens(),
        a.outputTokens() + b.outputTokens(),
        a.costUsd().add(b.costUsd()),
        a.unpriced() + b.unpriced());
  }

  private static @Nullable String blankToNull(@Nullable String s) {
    return s == null || s.isBlank() ? null : s.strip();
  }
}
