package dev.genvault;

import org.jspecify.annotations.Nullable;

/**
 * The tools a model may call, as the provider expects them.
 *
 * @param tools tool definitions as a JSON document, or null
 * @param toolChoice which tool to call, as the provider expects it (e.g. {@code "auto"}), or null
 */
public record ToolOptions(@Nullable String tools, @Nullable String toolChoice) {
  /** No tools. */
  public static final ToolOptions NONE = new ToolOptions(null, null);
}
