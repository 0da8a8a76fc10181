package dev.genvault.cost;

import com.squareup.moshi.JsonReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import okio.Buffer;
import org.jspecify.annotations.Nullable;

/**
 * Reads a genai-prices {@code data.json} (the format the bundled table is derived from) into a
 * {@link PriceTable}, by the rules of {@code tools/price-table/generate.py}: prices kept as the
 * exact decimals written, price keys the calculator does not use left out and listed. The result
 * goes through the same strict reader as the bundled table, so anything it cannot use (a bad
 * number, an unknown match kind or constraint, a pattern that does not compile) fails the load.
 */
final class GenaiPricesData {
  /** Price keys the table reader knows. */
  static final Set<String> SUPPORTED =
      Set.of(
          "input_mtok",
          "cache_read_mtok",
          "cache_write_mtok",
          "output_mtok",
          "input_audio_mtok",
          "output_audio_mtok",
          "input_image_mtok",
          "output_image_mtok",
          "output_reasoning_mtok",
          "requests_kcount",
          "cache_write_1h_mtok",
          "cache_audio_read_mtok",
          "cache_image_read_mtok");

  private static final Set<String> MATCH_KINDS =
      Set.of("equals", "starts_with", "ends_with", "contains", "regex", "or", "and");

  private GenaiPricesData() {}

  /**
   * The table in {@code json}. Its version is the date of its newest dated price and the start of
   * the SHA-256 of its bytes ({@code 2026-08-21/3f2a9c1b0d4e}): the data names no version of its
   * own, and this one tells two files apart.
   *
   * @param location where it was read from, for the table's source
   * @throws IllegalArgumentException for anything that is not such a file, saying what
   */
  static PriceTable read(byte[] json, String location) {
    try {
      return parse(json, location);
    } catch (ClassCastException | NullPointerException | java.time.DateTimeException e) {
      throw new IllegalArgumentException("not a genai-prices data file: " + e.getMessage(), e);
    }
  }

  private static PriceTable parse(byte[] json, String location) {
    Object root;
    try {
      JsonReader r = JsonReader.of(new Buffer().write(json));
      root = value(r);
      if (r.peek() != JsonReader.Token.END_DOCUMENT) {
        throw new IllegalArgumentException("more after the JSON array");
      }
    } catch (IOException | RuntimeException e) {
      throw new IllegalArgumentException("not valid JSON: " + e.getMessage(), e);
    }
    List<Object> providers = list(root, "the file");
    if (providers.isEmpty()) {
      throw new IllegalArgumentException("no providers");
    }
    Map<String, Integer> dropped = new TreeMap<>();
    LocalDate[] newest = {null};
    List<String> lines = new ArrayList<>();
    int models = 0;
    for (Object p : providers) {
      Map<String, Object> provider = map(p, "a provider");
      String id = oneLine(string(provider.get("id"), "a provider's id"));
      lines.add("provider\t" + id);
      if (provider.get("model_match") != null) {
        lines.add("model_match\t" + clause(provider.get("model_match"), id));
      }
      if (provider.get("provider_match") != null) {
        lines.add("provider_match\t" + clause(provider.get("provider_match"), id));
      }
      for (Object m : list(provider.get("models"), id + "'s models")) {
        Map<String, Object> model = map(m, "a model of " + id);
        String where = id + "/" + model.get("id");
        lines.add(
            "model\t"
                + oneLine(string(model.get("id"), "a model's id of " + id))
                + "\t"
                + clause(model.get("match"), where));
        Object prices = model.get("prices");
        List<Object> periods = prices instanceof Map ? List.of(Map.of("prices", prices)) : null;
        if (periods == null) {
          periods = list(prices, where + "'s prices");
        }
        for (Object c : periods) {
          lines.add(price(map(c, where + "'s price"), where, dropped, newest));
        }
        models++;
      }
    }
    if (models == 0) {
      throw new IllegalArgumentException("no models");
    }
    String version =
        (newest[0] == null ? "undated" : newest[0].toString())
            + "/"
            + sha256(json).substring(0, 12);
    StringBuilder tsv = new StringBuilder("genvault-prices\t1\n");
    tsv.append("version\t").append(version).append('\n');
    tsv.append("source\tgenai-prices data from ").append(oneLine(location)).append('\n');
    if (!dropped.isEmpty()) {
      StringBuilder d = new StringBuilder();
      dropped.forEach(
          (k, v) -> d.append(d.length() == 0 ? "" : ",").append(oneLine(k)).append('=').append(v));
      tsv.append("dropped\t").append(d).append('\n');
    }
    lines.forEach(l -> tsv.append(l).append('\n'));
    try {
      return PriceTableReader.load(
          new ByteArrayInputStream(tsv.toString().getBytes(StandardCharsets.UTF_8)));
    } catch (IOException e) {
      throw new IllegalArgumentException(e.getMessage(), e);
    }
  }

  private static String price(
      Map<String, Object> c, String where, Map<String, Integer> dropped, LocalDate[] newest) {
    Map<String, Object> constraint =
        c.get("constraint") == null ? Map.of() : map(c.get("constraint"), where + "'s constraint");
    String kind = "-";
    if (constraint.containsKey("start_date")) {
      LocalDate since = LocalDate.parse(string(constraint.get("start_date"), "a start_date"));
      if (newest[0] == null || since.isAfter(newest[0])) {
        newest[0] = since;
      }
      kind = "since:" + since;
    } else if (constraint.containsKey("start_time")) {
      kind =
          "window:"
              + oneLine(string(constraint.get("start_time"), "a start_time"))
              + "/"
              + oneLine(string(constraint.get("end_time"), "an end_time"));
    }
    for (String key : constraint.keySet()) {
      if (!Set.of("start_date", "start_time", "end_time").contains(key)) {
        throw new IllegalArgumentException("unknown constraint '" + key + "' on " + where);
      }
    }
    StringBuilder line = new StringBuilder("price\t").append(kind);
    for (Map.Entry<String, Object> e : map(c.get("prices"), where + "'s prices").entrySet()) {
      if (!SUPPORTED.contains(e.getKey())) {
        dropped.merge(e.getKey(), 1, Integer::sum);
        continue;
      }
      line.append('\t').append(e.getKey()).append('=').append(rate(e.getValue(), where));
    }
    return line.toString();
  }

  private static String rate(Object value, String where) {
    if (!(value instanceof Map)) {
      return decimal(value, where); // a number, or the error saying it is not one
    }
    Map<String, Object> tiered = map(value, "a rate of " + where);
    StringBuilder text = new StringBuilder(decimal(tiered.get("base"), where));
    List<Object> tiers = new ArrayList<>(list(tiered.get("tiers"), "tiers of " + where));
    tiers.sort(
        (a, b) ->
            ((BigDecimal) map(a, "a tier").get("start"))
                .compareTo((BigDecimal) map(b, "a tier").get("start")));
    for (Object t : tiers) {
      Map<String, Object> tier = map(t, "a tier of " + where);
      text.append(';')
          .append(decimal(tier.get("start"), where))
          .append(':')
          .append(decimal(tier.get("price"), where));
    }
    return text.toString();
  }

  private static String decimal(@Nullable Object value, String where) {
    if (!(value instanceof BigDecimal d)) {
      throw new IllegalArgumentException("a price of " + where + " is not a number: " + value);
    }
    if (d.signum() < 0) {
      throw new IllegalArgumentException("a price of " + where + " is negative: " + d);
    }
    if (d.scale() > 24 || d.precision() - d.scale() > 15) {
      // Checked before the number is written out: 1e999999999 would take gigabytes.
      throw new IllegalArgumentException("a price of " + where + " is out of range");
    }
    return d.signum() == 0 ? "0" : d.stripTrailingZeros().toPlainString();
  }

  /** A match clause in the table's prefix form: {@code or 2 starts_with a equals b}. */
  private static String clause(@Nullable Object value, String where) {
    Map<String, Object> clause = map(value, "a match clause of " + where);
    if (clause.size() != 1) {
      throw new IllegalArgumentException("a match clause has one key, on " + where);
    }
    Map.Entry<String, Object> e = clause.entrySet().iterator().next();
    if (!MATCH_KINDS.contains(e.getKey())) {
      throw new IllegalArgumentException("unknown match kind '" + e.getKey() + "' on " + where);
    }
    if (e.getKey().equals("or") || e.getKey().equals("and")) {
      List<Object> parts = list(e.getValue(), "a clause of " + where);
      StringBuilder s = new StringBuilder(e.getKey()).append('\t').append(parts.size());
      for (Object part : parts) {
        s.append('\t').append(clause(part, where));
      }
      return s.toString();
    }
    return e.getKey() + "\t" + oneLine(string(e.getValue(), "a match value of " + where));
  }

  private static String oneLine(String s) {
    if (s.indexOf('\t') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
      throw new IllegalArgumentException("a value holds a tab or a line break"); // not repeated
    }
    return s;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  /** A JSON value: maps, lists, strings, exact decimals, booleans and nulls. */
  private static @Nullable Object value(JsonReader r) throws IOException {
    switch (r.peek()) {
      case BEGIN_OBJECT -> {
        Map<String, Object> map = new LinkedHashMap<>();
        r.beginObject();
        while (r.hasNext()) {
          map.put(r.nextName(), value(r));
        }
        r.endObject();
        return map;
      }
      case BEGIN_ARRAY -> {
        List<Object> list = new ArrayList<>();
        r.beginArray();
        while (r.hasNext()) {
          list.add(value(r));
        }
        r.endArray();
        return list;
      }
      case NUMBER -> {
        return new BigDecimal(r.nextString()); // as written: no floating point
      }
      case STRING -> {
        return r.nextString();
      }
      case BOOLEAN -> {
        return r.nextBoolean();
      }
      case NULL -> {
        return r.nextNull();
      }
      default ->
          throw new IllegalArgumentException("unexpected " + r.peek() + " at " + r.getPath());
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> map(@Nullable Object value, String what) {
    if (!(value instanceof Map)) {
      throw new IllegalArgumentException(what + " is not an object");
    }
    return (Map<String, Object>) value;
  }

  @SuppressWarnings("unchecked")
  private static List<Object> list(@Nullable Object value, String what) {
    if (!(value instanceof List)) {
      throw new IllegalArgumentException(what + " is not an array");
    }
    return (List<Object>) value;
  }

  private static String string(@Nullable Object value, String what) {
    if (!(value instanceof String s) || s.isBlank()) {
      throw new IllegalArgumentException(what + " is not a string");
    }
    return s;
  }
}
