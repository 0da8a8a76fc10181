package dev.genvault;

import dev.genvault.spi.BlobKeys;
import dev.genvault.spi.BlobStore;
import dev.genvault.spi.Chunk;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.IntConsumer;
import org.jspecify.annotations.Nullable;

/**
 * One generation running in this process: the text so far, which part of it the store already has,
 * its readers, and the outcome. Shared by the worker (emit), the checkpointer (chunks) and readers
 * (subscribe); every mutable field is guarded by {@code this}.
 */
final class LiveGeneration implements ModelCall {
  /** The pending row as stored: changed only by {@link #withoutParent()}, before it is. */
  volatile Generation pending;

  final CompletableFuture<Generation> done = new CompletableFuture<>();

  private final Clock clock;
  private final BlobStore blobs;
  private final IntConsumer onDeltas;
  private final Runnable onFirstToken;
  private final StringBuilder text = new StringBuilder();
  private final List<GenerationStream> readers = new ArrayList<>();
  private final List<BlobRef> stored = new ArrayList<>();
  private final List<Chunk> unsaved = new ArrayList<>();
  private int chunkedChars;
  private int nextSeq;
  private int unsavedDeltas;
  private @Nullable Instant unsavedSince;
  private @Nullable Instant firstTokenAt;
  private volatile @Nullable ErrorType cancelled;
  private final List<Runnable> onCancel = new ArrayList<>();
  private volatile @Nullable Thread worker;

  /** Set when its terminal row is being written: checkpoints skip it (heartbeats go on). */
  private boolean ending;

  volatile @Nullable Throwable failure;

  /** Set when the row was deleted while the generation ran: its result is not cached. */
  volatile boolean gone;

  LiveGeneration(
      Generation pending,
      Clock clock,
      BlobStore blobs,
      IntConsumer onDeltas,
      Runnable onFirstToken) {
    this.pending = pending;
    this.clock = clock;
    this.blobs = blobs;
    this.onDeltas = onDeltas;
    this.onFirstToken = onFirstToken;
  }

  String id() {
    return pending.id();
  }

  /**
   * The pending row without its parent, which the store said is gone: what is written instead,
   * before the row exists and anyone else sees this generation.
   */
  Generation withoutParent() {
    ThreadLink link = pending.link();
    if (link != null && link.parentId() != null) {
      pending = pending.toBuilder().link(link.withoutParent()).build();
    }
    return pending;
  }

  @Override
  public String generationId() {
    return pending.id();
  }

  @Override
  public GenerationRequest request() {
    return pending.request();
  }

  @Override
  public void emit(String delta) {
    ErrorType reason = cancelled;
    if (reason != null) {
      throw new ProviderException(
          reason,
          reason == ErrorType.CANCELLED
              ? "generation " + id() + " was cancelled"
              : "generation " + id() + " was interrupted by shutdown");
    }
    if (delta.isEmpty()) {
      return;
    }
    int deltas;
    boolean first = false;
    synchronized (this) {
      Instant now = clock.instant();
      if (firstTokenAt == null) {
        firstTokenAt = now;
        first = true;
      }
      if (unsavedSince == null) {
        unsavedSince = now;
      }
      text.append(delta);
      deltas = ++unsavedDeltas;
      for (GenerationStream reader : readers) {
        reader.delta(delta);
      }
    }
    if (first) {
      onFirstToken.run();
    }
    onDeltas.accept(deltas);
  }

  @Override
  public BlobRef storeBlob(String contentType, InputStream content) {
    int n;
    synchronized (this) {
      n = stored.size();
      // Reserve the index so concurrent blobs never share a key.
      stored.add(null);
    }
    BlobRef ref;
    try {
      ref = blobs.put(BlobKeys.forGeneration(id(), n, contentType), content, contentType);
    } catch (RuntimeException e) {
      synchronized (this) {
        stored.set(n, null);
      }
      throw new BlobUploadException(
          "could not store blob " + n + " of generation " + id() + ": " + e.getMessage(), e);
    }
    synchronized (this) {
      stored.set(n, ref);
    }
    return ref;
  }

  @Override
  public boolean isCancelled() {
    return cancelled != null;
  }

  /** Why the generation was stopped ({@code cancelled} or {@code interrupted}), or null. */
  @Nullable ErrorType cancelReason() {
    return cancelled;
  }

  /**
   * Stops the generation for a reason ({@link ErrorType#CANCELLED} or {@link
   * ErrorType#INTERRUPTED}) and interrupts the worker so a blocked client wakes up.
   */
  void cancel(ErrorType reason) {
    List<Runnable> aborts;
    synchronized (onCancel) {
      if (cancelled == null) {
        cancelled = reason;
      }
      aborts = List.copyOf(onCancel);
      onCancel.clear();
    }
    Thread t = worker;
    if (t != null) {
      t.interrupt();
    }
    aborts.forEach(LiveGeneration::runQuietly);
  }

  @Override
  public void onCancel(Runnable action) {
    synchronized (onCancel) {
      if (cancelled == null) {
        onCancel.add(action);
        return;
      }
    }
    runQuietly(action);
  }

  private static void runQuietly(Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      // an abort that fails leaves the interrupt and the timeouts to end the work
    }
  }

  void worker(@Nullable Thread thread) {
    this.worker = thread;
  }

  synchronized String text() {
    return text.toString();
  }

  synchronized boolean hasText() {
    return text.length() > 0;
  }

  synchronized @Nullable Instant firstTokenAt() {
    return firstTokenAt;
  }

  synchronized List<BlobRef> blobs() {
    List<BlobRef> done = new ArrayList<>();
    for (BlobRef ref : stored) {
      if (ref != null) {
        done.add(ref);
      }
    }
    return done;
  }

  /**
   * The chunks the store does not have yet: earlier unsaved ones (same sequence numbers, so a retry
   * is idempotent) plus one new chunk with the text since the last checkpoint.
   */
  synchronized List<Chunk> unsavedChunks() {
    if (ending) {
      return List.of(); // its terminal row carries the whole text: chunks now would be wasted
    }
    if (text.length() > chunkedChars) {
      Instant since = unsavedSince == null ? clock.instant() : unsavedSince;
      unsaved.add(new Chunk(id(), nextSeq++, text.substring(chunkedChars), since));
      chunkedChars = text.length();
      unsavedDeltas = 0;
      unsavedSince = null;
    }
    return List.copyOf(unsaved);
  }

  /**
   * Its terminal row, which carries the whole text, is about to be written: from now on checkpoints
   * write no chunks of it. It stays registered, so its heartbeat goes on while that write is
   * retried.
   */
  synchronized void ending() {
    ending = true;
  }

  /** The store has these chunks now. */
  synchronized void saved(List<Chunk> chunks) {
    unsaved.removeAll(chunks);
  }

  /** Adds a reader: it gets the text so far at once, then every new delta, then the end. */
  synchronized void subscribe(GenerationStream reader) {
    if (done.isDone()) {
      reader.delta(text.toString());
      reader.finish(done.join());
      return;
    }
    reader.delta(text.toString());
    readers.add(reader);
  }

  synchronized void unsubscribe(GenerationStream reader) {
    readers.remove(reader);
  }

  /** Appends text that arrived whole at the end (a client that did not emit). */
  void appendFinal(String finalText) {
    synchronized (this) {
      text.append(finalText);
      for (GenerationStream reader : readers) {
        reader.delta(finalText);
      }
    }
  }

  /** Records the outcome and ends every reader. */
  void finish(Generation terminal) {
    List<GenerationStream> toEnd;
    synchronized (this) {
      done.complete(terminal);
      toEnd = List.copyOf(readers);
      readers.clear();
    }
    for (GenerationStream reader : toEnd) {
      reader.finish(terminal);
    }
  }

  /** A file could not be stored: the generation ends {@code error/blob_upload_failed}. */
  static final class BlobUploadException extends ProviderException {
    private static final long serialVersionUID = 1L;

    BlobUploadException(String message, Throwable cause) {
      super(ErrorType.BLOB_UPLOAD_FAILED, message, false, cause);
    }
  }
}
