package dev.genvault.cost;

import dev.genvault.cost.PriceTable.FormatException;
import dev.genvault.cost.PriceTable.Match;
import dev.genvault.cost.PriceTable.Model;
import dev.genvault.cost.PriceTable.Period;
import dev.genvault.cost.PriceTable.Provider;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.OffsetTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Reads the price table's TSV: providers, models with their match rules, and price lines. */
final class PriceTableReader {
  private PriceTableReader() {}

  /**
   * Reads a table in the tab-separated format {@code tools/price-table/generate.py} writes.
   *
   * @throws FormatException naming the line of anything it cannot read
   */
  static PriceTable load(InputStream in) throws IOException {
    BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    String version = null;
    String source = null;
    Set<String> dropped = Set.of();
    boolean formatSeen = false;
    List<Provider> providers = new ArrayList<>();
    String providerId = null;
    Match modelMatch = null;
    Match providerMatch = null;
    List<Model> models = new ArrayList<>();
    String modelId = null;
    Match match = null;
    List<String[]> periods = new ArrayList<>();
    int modelLine = 0;
    int n = 0;
    String line;
    while ((line = reader.readLine()) != null) {
      n++;
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\t", -1);
      try {
        switch (f[0]) {
          case "genvault-prices" -> {
            if (f.length != 2 || !f[1].equals("1")) {
              throw new FormatException(n, "unsupported table format " + line);
            }
            formatSeen = true;
          }
          case "version" -> version = field(f, 1, n);
          case "source" -> source = field(f, 1, n);
          case "dropped" -> {
            // price keys the generator left out, each with its count: KEY=N,KEY=N
            Set<String> keys = new TreeSet<>();
            for (String entry : field(f, 1, n).split(",")) {
              keys.add(entry.split("=", 2)[0]);
            }
            dropped = Set.copyOf(keys);
          }
          case "provider" -> {
            if (providerId != null) {
              models.add(model(providerId, modelId, match, periods, n));
              providers.add(
                  new Provider(providerId, modelMatch, providerMatch, List.copyOf(models)));
            }
            providerId = field(f, 1, n);
            modelMatch = null;
            providerMatch = null;
            models.clear();
            modelId = null;
            match = null;
            periods.clear();
          }
          case "model_match" -> modelMatch = clause(f, n);
          case "provider_match" -> providerMatch = clause(f, n);
          case "model" -> {
            if (providerId == null) {
              throw new FormatException(n, "a model before any provider");
            }
            if (modelId != null) {
              models.add(model(providerId, modelId, match, periods, modelLine));
            }
            modelId = field(f, 1, n);
            match = clause(Arrays.copyOfRange(f, 1, f.length), n);
            modelLine = n;
            periods.clear();
          }
          case "price" -> {
            if (modelId == null) {
              throw new FormatException(n, "a price before any model");
            }
            if (f.length < 2) {
              throw new FormatException(n, "a price needs a constraint");
            }
            periods.add(f);
          }
          default -> throw new FormatException(n, "unknown line kind '" + f[0] + "'");
        }
      } catch (IllegalArgumentException | java.time.DateTimeException e) {
        if (e instanceof FormatException) {
          throw e;
        }
        throw new FormatException(n, e.getMessage() + " in: " + line);
      }
    }
    if (providerId != null) {
      models.add(model(providerId, modelId, match, periods, modelLine));
      providers.add(new Provider(providerId, modelMatch, providerMatch, List.copyOf(models)));
    }
    if (!formatSeen || version == null || source == null) {
      throw new FormatException(n, "the table needs its format line, a version and a source");
    }
    return new PriceTable(version, source, dropped, List.copyOf(providers));
  }

  private static Model model(
      String provider,
      @Nullable String id,
      @Nullable Match match,
      List<String[]> prices,
      int line) {
    if (id == null || match == null || prices.isEmpty()) {
      throw new FormatException(
          line, "model " + id + " of " + provider + " needs a match and prices");
    }
    return new Model(provider, id, match, List.copyOf(prices), line + 1);
  }

  private static String field(String[] f, int i, int line) {
    if (f.length <= i || f[i].isEmpty()) {
      throw new FormatException(line, "missing field " + i);
    }
    return f[i];
  }

  static Period period(String[] f, int line) {
    try {
      return parsePeriod(f, line);
    } catch (FormatException e) {
      throw e;
    } catch (IllegalArgumentException | java.time.DateTimeException e) {
      throw new FormatException(line, e.getMessage() + " in: " + String.join("\t", f));
    }
  }

  private static Period parsePeriod(String[] f, int line) {
    String constraint = field(f, 1, line);
    LocalDate since = null;
    LocalTime from = null;
    LocalTime until = null;
    if (constraint.startsWith("since:")) {
      since = LocalDate.parse(constraint.substring(6));
    } else if (constraint.startsWith("window:")) {
      String[] times = constraint.substring(7).split("/", -1);
      if (times.length != 2) {
        throw new FormatException(line, "a window is FROM/UNTIL: " + constraint);
      }
      from = time(times[0]);
      until = time(times[1]);
    } else if (!constraint.equals("-")) {
      throw new FormatException(line, "unknown constraint " + constraint);
    }
    ModelPrice.Builder b = ModelPrice.builder();
    for (int i = 2; i < f.length; i++) {
      int eq = f[i].indexOf('=');
      if (eq <= 0) {
        throw new FormatException(line, "a price is KEY=RATE: " + f[i]);
      }
      String key = f[i].substring(0, eq);
      String value = f[i].substring(eq + 1);
      switch (key) {
        case "input_mtok" -> b.input(rate(value));
        case "cache_read_mtok" -> b.cacheRead(rate(value));
        case "cache_write_mtok" -> b.cacheWrite(rate(value));
        case "output_mtok" -> b.output(rate(value));
        case "output_reasoning_mtok" -> b.reasoning(rate(value));
        case "input_audio_mtok" -> b.audioInput(rate(value));
        case "output_audio_mtok" -> b.audioOutput(rate(value));
        case "input_image_mtok" -> b.imageInput(rate(value));
        case "output_image_mtok" -> b.imageOutput(rate(value));
        case "cache_write_1h_mtok" -> b.cacheWrite1h(rate(value));
        case "cache_audio_read_mtok" -> b.audioCacheRead(rate(value));
        case "cache_image_read_mtok" -> b.imageCacheRead(rate(value));
        case "requests_kcount" -> b.perThousandRequests(decimal(value));
        default -> throw new FormatException(line, "unknown price key '" + key + "'");
      }
    }
    return new Period(since, from, until, b.build());
  }

  private static LocalTime time(String text) {
    return text.endsWith("Z") || text.contains("+")
        ? OffsetTime.parse(text).withOffsetSameInstant(ZoneOffset.UTC).toLocalTime()
        : LocalTime.parse(text);
  }

  /** {@code BASE} or {@code BASE;ABOVE:RATE;...}. */
  private static Rate rate(String text) {
    String[] parts = text.split(";", -1);
    Rate rate = Rate.perMillion(decimal(parts[0]));
    for (int i = 1; i < parts.length; i++) {
      int colon = parts[i].indexOf(':');
      if (colon <= 0) {
        throw new IllegalArgumentException("a tier is ABOVE:RATE: " + parts[i]);
      }
      rate =
          rate.withTier(
              Long.parseLong(parts[i].substring(0, colon)), decimal(parts[i].substring(colon + 1)));
    }
    return rate;
  }

  private static BigDecimal decimal(String text) {
    try {
      return new BigDecimal(text);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not a decimal: '" + text + "'");
    }
  }

  /** A match clause from the fields after the line kind (and, for models, the ID). */
  private static Match clause(String[] f, int line) {
    int[] pos = {1};
    Match m = clause(f, pos, line);
    if (pos[0] != f.length) {
      throw new FormatException(line, "extra fields after the match clause");
    }
    return m;
  }

  private static Match clause(String[] f, int[] pos, int line) {
    String kind = field(f, pos[0]++, line);
    if (kind.equals("or") || kind.equals("and")) {
      int count = Integer.parseInt(field(f, pos[0]++, line));
      Match[] parts = new Match[count];
      for (int i = 0; i < count; i++) {
        parts[i] = clause(f, pos, line);
      }
      return kind.equals("or") ? new AnyOf(parts) : new AllOf(parts);
    }
    String value = field(f, pos[0]++, line);
    return switch (kind) {
      case "equals" -> new Equals(value);
      case "starts_with" -> new StartsWith(value.toLowerCase(Locale.ROOT));
      case "ends_with" -> new EndsWith(value.toLowerCase(Locale.ROOT));
      case "contains" -> new Contains(value.toLowerCase(Locale.ROOT));
      case "regex" -> new Regex(Pattern.compile(value));
      default -> throw new FormatException(line, "unknown match kind '" + kind + "'");
    };
  }

  private record Equals(String value) implements Match {
    @Override
    public boolean matches(String name) {
      return name.equalsIgnoreCase(value);
    }
  }

  private record StartsWith(String lower) implements Match {
    @Override
    public boolean matches(String name) {
      return name.regionMatches(true, 0, lower, 0, lower.length());
    }
  }

  private record EndsWith(String lower) implements Match {
    @Override
    public boolean matches(String name) {
      int from = name.length() - lower.length();
      return from >= 0 && name.regionMatches(true, from, lower, 0, lower.length());
    }
  }

  private record Contains(String lower) implements Match {
    @Override
    public boolean matches(String name) {
      return name.toLowerCase(Locale.ROOT).contains(lower);
    }
  }

  private record Regex(Pattern pattern) implements Match {
    @Override
    public boolean matches(String name) {
      return pattern.matcher(name).find();
    }
  }

  private record AnyOf(Match[] parts) implements Match {
    @Override
    public boolean matches(String name) {
      for (Match m : parts) {
        if (m.matches(name)) {
          return true;
        }
      }
      return false;
    }
  }

  private record AllOf(Match[] parts) implements Match {
    @Override
    public boolean matches(String name) {
      for (Match m : parts) {
        if (!m.matches(name)) {
          return false;
        }
      }
      return true;
    }
  }
}
