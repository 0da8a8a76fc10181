package dev.genvault.langchain4j;

import dev.langchain4j.model.ModelProvider;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** LangChain4j's provider names as Genvault records them (and its price table knows them). */
final class Providers {
  private Providers() {}

  static String name(@Nullable ModelProvider provider) {
    if (provider == null) {
      return "langchain4j";
    }
    return switch (provider) {
      case OPEN_AI -> "openai";
      case AZURE_OPEN_AI -> "azure";
      case ANTHROPIC -> "anthropic";
      case GOOGLE_AI_GEMINI, GOOGLE_GENAI, GOOGLE_VERTEX_AI_GEMINI -> "google";
      case MISTRAL_AI -> "mistral";
      case AMAZON_BEDROCK -> "aws";
      case OTHER -> "langchain4j";
      default -> provider.name().toLowerCase(Locale.ROOT).replace("_", "-");
    };
  }
}
