package dev.genvault.cost;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The bundled price table: providers, their models with match rules, and dated prices. Parsing is
 * strict: an unknown key, a malformed number or a bad pattern fails the whole load.
 */
final class PriceTable {
  static final String RESOURCE = "prices.tsv";

  final String version;
  final String source;

  /** Price keys of the reference that the generator left out of the table. */
  final Set<String> dropped;

  final List<Provider> providers;

  PriceTable(String version, String source, Set<String> dropped, List<Provider> providers) {
    this.version = version;
    this.source = source;
    this.dropped = dropped;
    this.providers = providers;
  }

  /** The bundled table, loaded once on first use. */
  static PriceTable bundled() {
    return Holder.TABLE;
  }

  private static final class Holder {
    static final PriceTable TABLE = loadBundled();

    private static PriceTable loadBundled() {
      try (InputStream in = PriceTable.class.getResourceAsStream(RESOURCE)) {
        if (in == null) {
          throw new IllegalStateException("the bundled price table " + RESOURCE + " is missing");
        }
        return PriceTableReader.load(in);
      } catch (IOException e) {
        throw new UncheckedIOException("the bundled price table could not be read", e);
      }
    }
  }

  // ---------------------------------------------------------------- model

  interface Match {
    boolean matches(String name);
  }

  record Provider(
      String id, @Nullable Match modelMatch, @Nullable Match providerMatch, List<Model> models) {
    @Nullable Model find(String name) {
      for (Model m : models) {
        if (m.match().matches(name)) {
          return m;
        }
      }
      return null;
    }
  }

  /**
   * A model and its price lines. The lines are parsed on first use, so loading the table reads only
   * what every lookup needs (names and match rules).
   */
  static final class Model {
    private final String provider;
    private final String id;
    private final Match match;
    private final List<String[]> priceLines;
    private final int firstLine;
    private volatile @Nullable List<Period> periods;

    Model(String provider, String id, Match match, List<String[]> priceLines, int firstLine) {
      this.provider = provider;
      this.id = id;
      this.match = match;
      this.priceLines = priceLines;
      this.firstLine = firstLine;
    }

    String provider() {
      return provider;
    }

    String id() {
      return id;
    }

    Match match() {
      return match;
    }

    /** The dated prices, parsed on first call. */
    List<Period> periods() {
      List<Period> p = periods;
      if (p == null) {
        List<Period> parsed = new ArrayList<>(priceLines.size());
        for (int i = 0; i < priceLines.size(); i++) {
          parsed.add(PriceTableReader.period(priceLines.get(i), firstLine + i));
        }
        p = List.copyOf(parsed);
        periods = p;
      }
      return p;
    }

    /** The last period in force at {@code at}, or null if none is. */
    @Nullable ModelPrice priceAt(Instant at) {
      ModelPrice price = null;
      for (Period period : periods()) {
        if (period.activeAt(at)) {
          price = period.price();
        }
      }
      return price;
    }
  }

  record Period(
      @Nullable LocalDate startDate,
      @Nullable LocalTime from,
      @Nullable LocalTime until,
      ModelPrice price) {
    boolean activeAt(Instant at) {
      if (startDate != null && LocalDate.ofInstant(at, ZoneOffset.UTC).isBefore(startDate)) {
        return false;
      }
      if (from != null && until != null) {
        LocalTime t = LocalTime.ofInstant(at, ZoneOffset.UTC);
        boolean inside =
            from.isBefore(until)
                ? !t.isBefore(from) && t.isBefore(until)
                : !t.isBefore(from) || t.isBefore(until);
        return inside;
      }
      return true;
    }
  }

  /** The provider named by a hint: its ID, or its provider-match rule. */
  @Nullable Provider provider(String hint) {
    String lower = hint.toLowerCase(Locale.ROOT).strip();
    for (Provider p : providers) {
      if (p.id().equals(lower)) {
        return p;
      }
    }
    for (Provider p : providers) {
      if (p.providerMatch() != null && p.providerMatch().matches(lower)) {
        return p;
      }
    }
    return null;
  }

  /**
   * The model a name refers to: first within the hinted provider, then within providers whose model
   * rule matches the name, then anywhere, in the table's order.
   */
  @Nullable Model find(String name, @Nullable String providerHint) {
    if (providerHint != null) {
      Provider hinted = provider(providerHint);
      if (hinted != null) {
        Model m = hinted.find(name);
        if (m != null) {
          return m;
        }
      }
    }
    for (Provider p : providers) {
      if (p.modelMatch() != null && p.modelMatch().matches(name)) {
        Model m = p.find(name);
        if (m != null) {
          return m;
        }
      }
    }
    for (Provider p : providers) {
      Model m = p.find(name);
      if (m != null) {
        return m;
      }
    }
    return null;
  }

  /** Parses every price line now; throws {@link FormatException} on the first bad one. */
  void validateAll() {
    for (Provider p : providers) {
      for (Model m : p.models()) {
        m.periods();
      }
    }
  }

  int modelCount() {
    int n = 0;
    for (Provider p : providers) {
      n += p.models().size();
    }
    return n;
  }

  // ---------------------------------------------------------------- parsing

  /** A line of the table that cannot be read. */
  static final class FormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    FormatException(int line, String message) {
      super("price table line " + line + ": " + message);
    }
  }
}
