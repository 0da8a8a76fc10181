package dev.genvault;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Where a chat generation sits in its conversation: the earlier generation it continues, its
 * thread, and how many of its request's messages are that earlier generation's conversation and
 * answer. A generation that began a conversation has no link: its ID is its thread's ID. A thread
 * keeps its ID when its first generation is deleted: the turns after it keep the link, without a
 * parent if they were its direct continuations.
 *
 * <p>Stores keep a continuation's request whole on reads but write only the messages after the
 * inherited ones, so a conversation of N turns costs O(N) storage, not O(N²). The generator sets
 * the link when it finds the parent ({@link GenerationRequest#parentId()} or, failing that, by the
 * conversation's hash within the same user and tenant); applications only read it.
 *
 * @param parentId the generation whose conversation (its messages, then its answer as an {@code
 *     assistant} message) the request's first {@code inheritedMessages} messages are; null when
 *     that generation was deleted and this one holds its whole request
 * @param threadId the thread's ID: the ID of the generation that began the conversation (which may
 *     have been deleted since)
 * @param inheritedMessages how many leading messages come from the parent: at least 2 (the parent's
 *     question and its answer), 0 without a parent
 */
public record ThreadLink(@Nullable String parentId, String threadId, int inheritedMessages) {

  /** Checks the IDs and the count. */
  public ThreadLink {
    Objects.requireNonNull(threadId, "threadId");
    if (threadId.isBlank() || (parentId != null && parentId.isBlank())) {
      throw new IllegalArgumentException("a thread link needs a thread ID, and a parent's if any");
    }
    if (parentId != null && inheritedMessages < 2) {
      throw new IllegalArgumentException(
          "a continuation inherits at least 2 messages (a question and its answer): "
              + inheritedMessages);
    }
    if (parentId == null && inheritedMessages != 0) {
      throw new IllegalArgumentException(
          "without a parent nothing is inherited: " + inheritedMessages);
    }
  }

  /** The same place in the thread without the parent: how a turn is kept whose parent is gone. */
  public ThreadLink withoutParent() {
    return new ThreadLink(null, threadId, 0);
  }
}
