package dev.genvault;

import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Makes values that a provider (or a client) chooses fit any store, so that one odd response can
 * never make a terminal write fail for good: U+0000 and unpaired surrogates become U+FFFD, and a
 * string over its limit is cut, ending in {@code …}. The limits are those every {@link
 * dev.genvault.spi.GenerationStore} accepts.
 */
final class ProviderValues {
  /** Longest finish reason. */
  static final int FINISH_REASON = 64;

  /** Longest provider name (the client's {@link ModelClient#provider()}). */
  static final int PROVIDER = 128;

  /** Longest provider-reported model and response ID. */
  static final int PROVIDER_ID = 256;

  /** Longest attribute name and value. */
  static final int ATTRIBUTE_NAME = 256;

  static final int ATTRIBUTE_VALUE = 64 * 1024;

  static final char REPLACEMENT = '\uFFFD';
  static final char CUT_MARKER = '\u2026';

  private ProviderValues() {}

  /** The terminal record with every provider-chosen value made storable. */
  static Generation normalise(Generation g) {
    Generation.Builder b = g.toBuilder();
    b.provider(cut(g.provider(), PROVIDER));
    b.providerModel(cut(g.providerModel(), PROVIDER_ID));
    b.providerResponseId(cut(g.providerResponseId(), PROVIDER_ID));
    b.finishReason(cut(g.finishReason(), FINISH_REASON));
    b.toolCalls(clean(g.toolCalls()));
    Map<String, String> attributes = new LinkedHashMap<>();
    g.attributes()
        .forEach(
            (name, value) ->
                attributes.put(cut(name, ATTRIBUTE_NAME), cut(value, ATTRIBUTE_VALUE)));
    b.attributes(attributes);
    Usage usage = g.usage();
    if (usage != null && !usage.raw().isEmpty()) {
      Map<String, Long> raw = new LinkedHashMap<>();
      usage.raw().forEach((name, value) -> raw.put(cut(name, ATTRIBUTE_NAME), value));
      b.usage(usage.toBuilder().raw(raw).build());
    }
    return b.build();
  }

  /** {@link #clean} then cut to {@code max} characters, the last being {@code …}. */
  static @Nullable String cut(@Nullable String value, int max) {
    String clean = clean(value);
    if (clean == null || clean.length() <= max) {
      return clean;
    }
    int end = max - 1;
    if (Character.isHighSurrogate(clean.charAt(end - 1))) {
      end--; // never split a pair
    }
    return clean.substring(0, end) + CUT_MARKER;
  }

  /** The value with U+0000 and unpaired surrogates replaced by U+FFFD. */
  static @Nullable String clean(@Nullable String value) {
    if (value == null) {
      return null;
    }
    StringBuilder out = null;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean bad;
      if (Character.isHighSurrogate(c)
          && i + 1 < value.length()
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        if (out != null) {
          out.append(c).append(value.charAt(i + 1));
        }
        i++;
        continue;
      }
      bad = c == '\0' || Character.isSurrogate(c);
      if (bad && out == null) {
        out = new StringBuilder(value.length()).append(value, 0, i);
      }
      if (out != null) {
        out.append(bad ? REPLACEMENT : c);
      }
    }
    return out == null ? value : out.toString();
  }
}
