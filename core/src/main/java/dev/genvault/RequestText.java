package dev.genvault;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Checks a request's input, and refuses text that cannot be stored or hashed faithfully in any
 * string of a request, walking {@link RequestField}: U+0000 (PostgreSQL text and JSON cannot hold
 * it) and a lone UTF-16 surrogate (it has no UTF-8 form: encoders and databases turn it into {@code
 * ?}, so two different requests would look alike).
 */
final class RequestText {
  private RequestText() {}

  /** The model and the input: present, and a prompt or messages, not both. */
  static void checkInput(@Nullable String model, @Nullable String prompt, List<Message> messages) {
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException("model is required");
    }
    if (model.length() > 256 || !model.strip().equals(model)) {
      throw new IllegalArgumentException(
          "model must be at most 256 characters without surrounding spaces");
    }
    if (prompt != null && !messages.isEmpty()) {
      throw new IllegalArgumentException("set either prompt or messages, not both");
    }
    if (prompt == null && messages.isEmpty()) {
      throw new IllegalArgumentException("prompt or messages is required");
    }
    if (prompt != null && prompt.isBlank()) {
      throw new IllegalArgumentException("prompt must not be blank");
    }
  }

  /**
   * A parent ID: the shape of a generation ID. Whether it fits the request (a chat continuing that
   * generation's conversation) is for the generator to find out; a hint that does not fit links
   * nothing.
   */
  static void checkParent(@Nullable String parentId) {
    if (parentId != null
        && (parentId.isBlank() || parentId.length() > 64 || !parentId.strip().equals(parentId))) {
      throw new IllegalArgumentException(
          "parent_id must be a generation ID: 1 to 64 characters without surrounding spaces");
    }
  }

  static void check(GenerationRequest request) {
    for (RequestField f : RequestField.values()) {
      Object value = f.value(request);
      String name = f.key();
      switch (f.type()) {
        case TEXT -> check(name, (String) value);
        case TEXT_LIST -> {
          List<?> list = (List<?>) value;
          for (int i = 0; i < list.size(); i++) {
            check(name + "[" + i + "]", (String) list.get(i));
          }
        }
        case MESSAGES -> {
          List<?> list = (List<?>) value;
          for (int i = 0; i < list.size(); i++) {
            Message m = (Message) list.get(i);
            check(name + "[" + i + "].role", m.role());
            check(name + "[" + i + "].content", m.content());
          }
        }
        case TEXT_MAP -> {
          for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
            String key = (String) e.getKey();
            check(name + " key", key);
            check(name + " '" + Attribution.abbreviate(key) + "'", (String) e.getValue());
          }
        }
        default -> {}
      }
    }
  }

  private static void check(String field, @Nullable String value) {
    if (value == null) {
      return;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c == '\0') {
        throw new IllegalArgumentException(
            field
                + " contains a NUL character (U+0000) at index "
                + i
                + ", which databases"
                + " cannot store");
      }
      if (Character.isHighSurrogate(c)
          && i + 1 < value.length()
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new IllegalArgumentException(
            String.format(
                "%s contains an unpaired surrogate (U+%04X) at index %d: it is not valid"
                    + " Unicode text and cannot be stored or sent as UTF-8",
                field, (int) c, i));
      }
    }
  }
}
