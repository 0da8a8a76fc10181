package dev.genvault.openai;

import com.squareup.moshi.JsonAdapter;
import com.squareup.moshi.Moshi;
import com.squareup.moshi.Types;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The tool calls of one answer, whole or streamed in fragments: fragments with the same key join
 * into one call, in the order each call was first seen. Not thread safe; one per answer.
 */
final class ToolCalls {
  /**
   * One tool call or a fragment of it, as the provider sent it.
   *
   * @param key the provider's index of the call ({@code r0}, {@code r1}... for Responses items)
   * @param arguments a fragment of the arguments, appended to what came before
   */
  record Part(
      String key,
      @Nullable String id,
      @Nullable String type,
      @Nullable String name,
      @Nullable String arguments) {}

  /**
   * The tool-call JSON recorded on a generation, written by Moshi (which needs the records public;
   * they stay out of reach outside this package-private class).
   */
  public record Call(@Nullable String id, String type, Function function) {}

  /** The function a call names, with its arguments as the JSON text the model wrote. */
  public record Function(@Nullable String name, String arguments) {}

  private static final JsonAdapter<List<Call>> JSON =
      new Moshi.Builder().build().adapter(Types.newParameterizedType(List.class, Call.class));

  /** A call being put together from its fragments. */
  private static final class Builder {
    @Nullable String id;
    @Nullable String type;
    @Nullable StringBuilder name;
    @Nullable StringBuilder arguments;

    Call build() {
      return new Call(
          id,
          type == null ? "function" : type,
          new Function(
              name == null ? null : name.toString(),
              arguments == null ? "" : arguments.toString()));
    }
  }

  private final Map<String, Builder> calls = new LinkedHashMap<>();

  /** Adds a call, or joins a fragment to the call with the same key. */
  void add(Part part) {
    Builder call = calls.computeIfAbsent(part.key(), k -> new Builder());
    if (part.id() != null) {
      call.id = part.id();
    }
    if (part.type() != null) {
      call.type = part.type();
    }
    call.name = append(call.name, part.name());
    call.arguments = append(call.arguments, part.arguments());
  }

  private static @Nullable StringBuilder append(@Nullable StringBuilder to, @Nullable String s) {
    if (s == null) {
      return to;
    }
    return to == null ? new StringBuilder(s) : to.append(s);
  }

  /** How many calls there are. */
  int size() {
    return calls.size();
  }

  /**
   * The calls as a JSON array of {@code {"id","type","function":{"name","arguments"}}}, or null
   * when there is none.
   */
  @Nullable String toJson() {
    if (calls.isEmpty()) {
      return null;
    }
    List<Call> out = new ArrayList<>(calls.size());
    calls.values().forEach(c -> out.add(c.build()));
    return JSON.toJson(out);
  }
}
