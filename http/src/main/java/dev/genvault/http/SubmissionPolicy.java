package dev.genvault.http;

import com.sun.net.httpserver.HttpExchange;
import dev.genvault.GenerationRequest;

/**
 * The app's decision on a posted generation: which request, for whom, with which model and options,
 * or a refusal (a null request is refused with 400). Genvault never generates what a caller posted
 * as it is. Posted {@link Submission#messages()} may carry any role, {@code system} and {@code
 * developer} included: keep only the roles a caller may send.
 *
 * <pre>{@code
 * SubmissionPolicy policy = (exchange, posted) -> {
 *   String user = currentUser(exchange);                      // from the app's session
 *   if (user == null) throw new SubmissionRefusedException(400, "sign in first");
 *   return GenerationRequest.builder()
 *       .model("gpt-4o-mini")                                  // the app's choice, not the caller's
 *       .prompt(posted.prompt())
 *       .userId(user)
 *       .build();
 * };
 * }</pre>
 */
@FunctionalInterface
public interface SubmissionPolicy {

  /**
   * The request to generate for what the caller posted.
   *
   * @throws SubmissionRefusedException to refuse it with a status (400 or 429) and a short message
   *     the caller sees
   * @throws IllegalArgumentException for a request that is not valid: answered 400 with its message
   */
  GenerationRequest request(HttpExchange exchange, Submission submission);
}
