package dev.genvault.http;

import com.sun.net.httpserver.HttpExchange;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Who is asking, for the history at {@code GET /generations}: the user (and tenant) whose
 * generations and spend it lists. The app says who that is through a {@link Resolver}, from its own
 * session or token.
 *
 * @param userId the user; the history lists only generations made for exactly this user
 * @param tenantId the tenant, or null for the user's generations in every tenant; when set, only
 *     those made for this tenant (give it in an app with tenants, whose user IDs are per tenant)
 */
public record Caller(String userId, @Nullable String tenantId) {

  /**
   * Checks the fields.
   *
   * @throws IllegalArgumentException if {@code userId} is blank
   */
  public Caller {
    Objects.requireNonNull(userId, "userId");
    if (userId.isBlank()) {
      throw new IllegalArgumentException("userId must not be blank");
    }
  }

  /** A caller who is a user, in every tenant (see {@link #tenantId()}). */
  public static Caller user(String userId) {
    return new Caller(userId, null);
  }

  /**
   * Finds the caller of a request. Must be thread safe and fast, and must not throw for a caller
   * who is merely not signed in: answer null, and the history answers 404.
   *
   * <pre>{@code
   * exchange -> {
   *   String user = currentUser(exchange); // the app's session or token; null when signed out
   *   return user == null ? null : Caller.user(user);
   * }
   * }</pre>
   */
  @FunctionalInterface
  public interface Resolver {
    /** The caller of this request, or null when nobody is signed in. */
    @Nullable Caller caller(HttpExchange exchange);
  }
}
