package dev.genvault.http;

/**
 * How much of a generation a caller sees, as an {@link Authorizer} decides. The same view applies
 * to its JSON and to the record that ends its event stream; its text and files are seen in any view
 * but {@link #NONE}.
 */
public enum Visibility {
  /** Not visible: answered 404, exactly like a generation that does not exist. */
  NONE,
  /**
   * What was asked and what came out: status, model, text, tool calls, files, usage, cost, times,
   * and the request's kind, model, prompt and its messages other than {@code system} and {@code
   * developer} ones. Leaves out the system prompt, the sampling and tool settings, the metadata,
   * the user and tenant IDs, and the generation a cached copy came from ({@code cachedFrom}).
   */
  PUBLIC,
  /**
   * The whole record, everything {@link #PUBLIC} leaves out included: for its operators, or for
   * callers trusted with the system prompt and metadata.
   */
  FULL
}
