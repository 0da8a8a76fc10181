package dev.genvault.http;

import dev.genvault.Message;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a caller posted to {@code POST /generate} or {@code POST /chat}, before the app's {@link
 * SubmissionPolicy} decides what to generate: from a form, the fields {@code model} and {@code
 * prompt}; from JSON, also {@code messages} ({@code [{"role":..., "content":...}]}). Nothing here
 * is trusted: the policy chooses the model and options the caller may have.
 *
 * @param route {@code generate} or {@code chat}, the path posted to
 * @param model the model asked for, or null
 * @param prompt the prompt, or null
 * @param messages the conversation, empty when a prompt was posted
 * @param fields every form field or top-level JSON string, as posted
 */
public record Submission(
    String route,
    @Nullable String model,
    @Nullable String prompt,
    List<Message> messages,
    Map<String, String> fields) {

  /** Checks and copies the fields. */
  public Submission {
    Objects.requireNonNull(route, "route");
    messages = List.copyOf(messages);
    fields = Map.copyOf(fields);
  }
}
