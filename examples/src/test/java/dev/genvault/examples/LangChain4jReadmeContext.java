package dev.genvault.examples;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.StreamingChatModel;

/** What the READMEs' LangChain4j snippets take as given: an app's LangChain4j models. */
abstract class LangChain4jReadmeContext extends ReadmeContext {
  ChatModel openAiChatModel;
  StreamingChatModel openAiStreamingChatModel;

  /** The signed-in user of the current request, or null. */
  abstract String currentUser();

  /** The tenant of the current request's user, or null. */
  abstract String currentTenant();
}
