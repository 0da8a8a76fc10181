package dev.genvault.http;

import com.sun.net.httpserver.HttpExchange;
import dev.genvault.GenerationOwner;

/**
 * Decides who sees a generation over HTTP, and how much of it, from its owner alone: it is asked
 * before the record is read, so a generation the caller may not see is never loaded. {@link
 * Visibility#NONE} is answered 404, the same as what does not exist, so IDs cannot be probed. An
 * authorizer that throws has said {@link Visibility#NONE} (the failure is logged).
 *
 * <p>{@link GenerationRoutes} has no default: configure one, or choose {@link #allowAll()}
 * explicitly. Implementations must be thread safe and fast; they must not return null.
 *
 * <pre>{@code
 * (exchange, owner) -> {
 *   String user = currentUser(exchange); // null when not signed in
 *   return user != null && user.equals(owner.userId()) ? Visibility.PUBLIC : Visibility.NONE;
 * }
 * }</pre>
 */
@FunctionalInterface
public interface Authorizer {

  /**
   * Everyone sees every generation in full ({@link Visibility#FULL}: system prompts, metadata, user
   * and tenant IDs included). Only for demos, tests and trusted networks.
   */
  static Authorizer allowAll() {
    return (exchange, owner) -> Visibility.FULL;
  }

  /**
   * How much of this generation the requester may see (its JSON, its text stream and its files).
   *
   * @param exchange the request, e.g. for its {@code Authorization} header or session cookie
   * @param owner the generation's ID, user and tenant
   */
  Visibility visibility(HttpExchange exchange, GenerationOwner owner);
}
