package dev.genvault;

import dev.genvault.spi.GenerationStore;
import dev.genvault.spi.ThreadTip;
import dev.genvault.spi.Threads;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the generation a chat request continues, before its row is written: the one its {@link
 * GenerationRequest#parentId()} names if that one's conversation and answer begin the request's
 * messages, else the newest with the longest such prefix, by hash. Only within the same user and
 * tenant: a conversation is never linked to another principal's generation. A failed lookup links
 * nothing (the request is stored in full), so it never stops a generation.
 */
final class ThreadLinker {
  private static final Logger log = LoggerFactory.getLogger(PersistentGenerator.class);

  private ThreadLinker() {}

  static @Nullable ThreadLink link(GenerationStore store, GenerationRequest request) {
    if (!store.keepsThreads()) {
      return null;
    }
    List<Threads.Prefix> prefixes = Threads.prefixesOf(request);
    if (prefixes.isEmpty()) {
      return null;
    }
    try {
      String hinted = request.parentId();
      if (hinted != null) {
        ThreadLink link = linkTo(store.threadTip(hinted), request, prefixes);
        if (link != null) {
          return link;
        }
      }
      return linkTo(
          store.findThreadTip(request.userId(), request.tenantId(), prefixes), request, prefixes);
    } catch (RuntimeException e) {
      log.warn("thread lookup failed; the request is stored in full: {}", e.toString());
      return null;
    }
  }

  /** A link to the tip if it is the request's principal's and its hash is one of the prefixes. */
  private static @Nullable ThreadLink linkTo(
      Optional<ThreadTip> found, GenerationRequest request, List<Threads.Prefix> prefixes) {
    if (found.isEmpty()) {
      return null;
    }
    ThreadTip tip = found.get();
    if (tip.threadHash() == null
        || !Objects.equals(tip.userId(), request.userId())
        || !Objects.equals(tip.tenantId(), request.tenantId())) {
      return null;
    }
    for (Threads.Prefix p : prefixes) {
      if (p.hash().equals(tip.threadHash())) {
        return new ThreadLink(tip.id(), tip.threadId(), p.messages());
      }
    }
    return null;
  }
}
