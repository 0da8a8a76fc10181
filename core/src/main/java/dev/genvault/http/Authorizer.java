package dev.genvault.http;

import com.sun.net.httpserver.HttpExchange;
import dev.genvault.GenerationOwner;

/**
 * Decides who may see a generation over HTTP, from its owner alone: it is asked before the record
 * is read, so a generation the caller may not see is never loaded. Anything not visible is answered
 * 404, the same as what does not exist, so IDs cannot be probed. An authorizer that throws has said
 * no (the failure is logged). Implementations must be thread safe and fast.
 */
@FunctionalInterface
public interface Authorizer {
  /** Everyone sees everything: only for demos and trusted networks. */
  Authorizer ANYONE = (exchange, generation) -> true;

  /**
   * Whether the requester may see this generation (its JSON, its text stream and its files).
   *
   * @param exchange the request, e.g. for its {@code Authorization} header or session cookie
   * @param owner the generation's ID, user and tenant
   */
  boolean canView(HttpExchange exchange, GenerationOwner owner);
}
