package dev.genvault.springai;

import java.util.Locale;
import org.springframework.ai.chat.model.ChatModel;

/**
 * The provider a Spring AI model calls, as Genvault records it (and its price table knows it): read
 * from the model's class name ({@code OpenAiChatModel} is {@code openai}), as Spring AI's models do
 * not name their provider.
 */
final class Providers {
  private Providers() {}

  static String name(ChatModel model) {
    String name = model.getClass().getName().toLowerCase(Locale.ROOT);
    if (name.contains("azure")) {
      return "azure";
    }
    if (name.contains("openai")) {
      return "openai";
    }
    if (name.contains("anthropic")) {
      return "anthropic";
    }
    if (name.contains("gemini") || name.contains("google") || name.contains("vertex")) {
      return "google";
    }
    if (name.contains("mistral")) {
      return "mistral";
    }
    if (name.contains("bedrock")) {
      return "aws";
    }
    if (name.contains("ollama")) {
      return "ollama";
    }
    return "spring-ai";
  }
}
