package dev.genvault;

import java.util.Objects;

/**
 * One chat message: a role ({@code system}, {@code user}, {@code assistant}, {@code tool}, ...) and
 * its text content.
 *
 * @param role the speaker; never blank
 * @param content the text; may be empty, never null
 */
public record Message(String role, String content) {

  /** Checks the role and content. */
  public Message {
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(content, "content");
    if (role.isBlank()) {
      throw new IllegalArgumentException("message role must not be blank");
    }
  }

  /** A {@code system} message. */
  public static Message system(String content) {
    return new Message("system", content);
  }

  /** A {@code user} message. */
  public static Message user(String content) {
    return new Message("user", content);
  }

  /** An {@code assistant} message. */
  public static Message assistant(String content) {
    return new Message("assistant", content);
  }
}
