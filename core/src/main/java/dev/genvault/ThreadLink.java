package dev.genvault;

import java.util.Objects;

/**
 * Where a chat generation sits in its conversation: the earlier generation it continues, the first
 * generation of its thread, and how many of its request's messages are that earlier generation's
 * conversation and answer. A generation that continues nothing has no link: it is the root of its
 * own thread.
 *
 * <p>Stores keep a continuation's request whole on reads but write only the messages after the
 * inherited ones, so a conversation of N turns costs O(N) storage, not O(N²). The generator sets
 * the link when it finds the parent ({@link GenerationRequest#parentId()} or, failing that, by the
 * conversation's hash within the same user and tenant); applications only read it.
 *
 * @param parentId the generation whose conversation (its messages, then its answer as an {@code
 *     assistant} message) the request's first {@code inheritedMessages} messages are
 * @param threadId the ID of the thread's first generation still stored
 * @param inheritedMessages how many leading messages come from the parent; at least 2 (the parent's
 *     question and its answer)
 */
public record ThreadLink(String parentId, String threadId, int inheritedMessages) {

  /** Checks the IDs and the count. */
  public ThreadLink {
    Objects.requireNonNull(parentId, "parentId");
    Objects.requireNonNull(threadId, "threadId");
    if (parentId.isBlank() || threadId.isBlank()) {
      throw new IllegalArgumentException("a thread link needs a parent and a thread ID");
    }
    if (inheritedMessages < 2) {
      throw new IllegalArgumentException(
          "a continuation inherits at least 2 messages (a question and its answer): "
              + inheritedMessages);
    }
  }
}
