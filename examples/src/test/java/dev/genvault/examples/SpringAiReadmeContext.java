package dev.genvault.examples;

import org.springframework.ai.chat.model.ChatModel;

/** What the READMEs' Spring AI snippets take as given: an app's Spring AI model. */
abstract class SpringAiReadmeContext extends ReadmeContext {
  ChatModel openAiChatModel;

  /** The signed-in user of the current request, or null. */
  abstract String currentUser();

  /** The tenant of the current request's user, or null. */
  abstract String currentTenant();
}
