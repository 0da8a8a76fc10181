package dev.genvault.openai;

import dev.genvault.GenerationRequest;
import dev.genvault.RequestField;

/**
 * Refuses, before anything is stored or sent, the request fields an API does not take: a field that
 * changes the output is sent or refused, never dropped silently.
 */
final class Unsent {
  private Unsent() {}

  /**
   * @throws IllegalArgumentException naming the first of {@code fields} the request sets
   */
  static void refuse(GenerationRequest r, String api, RequestField... fields) {
    for (RequestField f : fields) {
      if (f.isSet(r)) {
        throw new IllegalArgumentException(
            "the " + api + " does not take " + f.key() + ": remove it from the request");
      }
    }
  }
}
