package dev.genvault.http;

import com.sun.net.httpserver.HttpExchange;
import dev.genvault.Generation;

/**
 * Decides who may see a generation over HTTP. Anything not visible is answered 404, the same as
 * what does not exist, so IDs cannot be probed. Implementations must be thread safe and fast.
 */
@FunctionalInterface
public interface Authorizer {
  /** Everyone sees everything: only for demos and trusted networks. */
  Authorizer ANYONE = (exchange, generation) -> true;

  /**
   * Whether the requester may see this generation (its JSON, its text stream and its files).
   *
   * @param exchange the request, e.g. for its {@code Authorization} header or session cookie
   * @param generation the stored record
   */
  boolean canView(HttpExchange exchange, Generation generation);
}
