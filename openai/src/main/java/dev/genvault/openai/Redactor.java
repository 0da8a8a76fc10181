package dev.genvault.openai;

import dev.genvault.ErrorType;
import dev.genvault.ProviderException;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The one place where secrets leave messages: the API key itself, {@code Bearer} tokens and
 * OpenAI-style {@code sk-} keys are replaced by {@code [redacted]} in every message, whoever wrote
 * it (the provider, OkHttp, Moshi or this client), before an exception leaves the client or reaches
 * the attempt listener.
 */
final class Redactor {
  private static final String REDACTED = "[redacted]";
  private static final Pattern TOKENS =
      Pattern.compile("(?i)\\b(bearer\\s+)[A-Za-z0-9._~+/=\\-]+|\\bsk-[A-Za-z0-9_\\-]{8,}");

  private final String key;

  Redactor(String key) {
    this.key = key;
  }

  /** The text without the key or anything that looks like a token. */
  String redact(String text) {
    String out = key.isEmpty() ? text : text.replace(key, REDACTED);
    return TOKENS
        .matcher(out)
        .replaceAll(m -> m.group(1) != null ? m.group(1) + REDACTED : "sk-" + REDACTED);
  }

  private @Nullable String redactNullable(@Nullable String text) {
    return text == null ? null : redact(text);
  }

  /**
   * Whether a message anywhere in the failure, its causes or suppressed failures shows a secret.
   */
  private boolean leaks(@Nullable Throwable t) {
    for (; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (m != null && !redact(m).equals(m)) {
        return true;
      }
      for (Throwable s : t.getSuppressed()) {
        if (leaks(s)) {
          return true;
        }
      }
      if (t instanceof OpenAiException && leaks((OpenAiException) t)) {
        return true;
      }
    }
    return false;
  }

  private boolean leaks(OpenAiException e) {
    return !redact(e.body()).equals(e.body())
        || (e.type() != null && !redact(e.type()).equals(e.type()))
        || (e.code() != null && !redact(e.code()).equals(e.code()));
  }

  /**
   * The failure as it may be shown: itself when it shows no secret; otherwise a copy of the same
   * kind (an {@link OpenAiException} of the same class, a {@link ProviderException} of the same
   * type, an {@link IllegalArgumentException}, else a provider error) whose messages and causes are
   * redacted.
   */
  Exception scrub(Exception e) {
    if (!leaks(e)) {
      return e;
    }
    Exception copy;
    if (e instanceof OpenAiException) {
      OpenAiException o = (OpenAiException) e;
      copy =
          OpenAiException.of(
              o.status(),
              redactNullable(o.type()),
              redactNullable(o.code()),
              redactNullable(o.providerMessage()),
              redact(o.body()),
              o.retryAfter().orElse(null),
              o.isRetryable());
    } else if (e instanceof ProviderException) {
      ProviderException p = (ProviderException) e;
      copy =
          new ProviderException(
              p.errorType(), redact(String.valueOf(p.getMessage())), p.isRetryable(), cause(p));
    } else if (e instanceof IllegalArgumentException) {
      copy = new IllegalArgumentException(redact(String.valueOf(e.getMessage())), cause(e));
    } else {
      copy = new ProviderException(ErrorType.PROVIDER_ERROR, redact(e.toString()), false, cause(e));
    }
    copy.setStackTrace(e.getStackTrace());
    return copy;
  }

  private @Nullable Throwable cause(Throwable t) {
    return t.getCause() == null ? null : new Redacted(t.getCause(), this);
  }

  /** A cause kept for its class, stack and chain, with its message redacted. */
  private static final class Redacted extends Exception {
    private static final long serialVersionUID = 1L;

    Redacted(Throwable original, Redactor r) {
      super(
          original.getClass().getName()
              + (original.getMessage() == null ? "" : ": " + r.redact(original.getMessage())),
          original.getCause() == null ? null : new Redacted(original.getCause(), r));
      setStackTrace(original.getStackTrace());
      for (Throwable s : original.getSuppressed()) {
        addSuppressed(new Redacted(s, r));
      }
    }

    @Override
    public String toString() {
      return String.valueOf(getMessage());
    }
  }
}
