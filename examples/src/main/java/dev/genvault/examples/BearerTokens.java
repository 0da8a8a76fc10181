package dev.genvault.examples;

import com.sun.net.httpserver.HttpExchange;
import dev.genvault.http.Authorizer;
import dev.genvault.http.Visibility;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The users of {@link ProductionWiring}'s routes, each known by a bearer token ({@code
 * GENVAULT_USER_TOKENS=alice=token1,bob=token2}): a request with {@code Authorization: Bearer
 * token1} is alice's, and sees alice's generations only. An app would ask its own sessions instead.
 */
final class BearerTokens {
  /** Token to user, in the order given. */
  private final Map<String, String> byToken;

  private BearerTokens(Map<String, String> byToken) {
    this.byToken = Collections.unmodifiableMap(byToken);
  }

  /**
   * Parses {@code alice=token1,bob=token2}; null or blank is no user.
   *
   * @throws IllegalArgumentException for a pair without {@code =}, a blank user or token, or one
   *     token given to two users
   */
  static BearerTokens parse(@Nullable String spec) {
    Map<String, String> byToken = new LinkedHashMap<>();
    if (spec == null || spec.isBlank()) {
      return new BearerTokens(byToken);
    }
    for (String pair : spec.split(",")) {
      int eq = pair.indexOf('=');
      if (eq < 0) {
        throw new IllegalArgumentException(
            "GENVAULT_USER_TOKENS takes user=token pairs separated by commas");
      }
      String user = pair.substring(0, eq).strip();
      String token = pair.substring(eq + 1).strip();
      if (user.isEmpty() || token.isEmpty()) {
        throw new IllegalArgumentException("GENVAULT_USER_TOKENS has a blank user or token");
      }
      if (byToken.put(token, user) != null) {
        throw new IllegalArgumentException("GENVAULT_USER_TOKENS gives one token to two users");
      }
    }
    return new BearerTokens(byToken);
  }

  /** Token to user, in the order given. */
  Map<String, String> byToken() {
    return byToken;
  }

  /** The first user given, or null. */
  @Nullable String firstUser() {
    return byToken.isEmpty() ? null : byToken.values().iterator().next();
  }

  /** Each user sees their own generations in full; anyone else gets a 404. */
  Authorizer ownersOnly() {
    return (exchange, owner) -> {
      String user = userOf(exchange);
      return user != null && user.equals(owner.userId()) ? Visibility.FULL : Visibility.NONE;
    };
  }

  /** The caller of the history: the user whose token the request carries, or nobody. */
  dev.genvault.http.Caller.Resolver callers() {
    return exchange -> {
      String user = userOf(exchange);
      return user == null ? null : dev.genvault.http.Caller.user(user);
    };
  }

  /** The user whose token the request carries, or null; tokens are compared in constant time. */
  private @Nullable String userOf(HttpExchange exchange) {
    String header = exchange.getRequestHeaders().getFirst("Authorization");
    if (header == null || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return null;
    }
    byte[] presented = header.substring(7).strip().getBytes(StandardCharsets.UTF_8);
    String found = null;
    for (Map.Entry<String, String> e : byToken.entrySet()) {
      if (MessageDigest.isEqual(presented, e.getKey().getBytes(StandardCharsets.UTF_8))) {
        found = e.getValue();
      }
    }
    return found;
  }
}
