package dev.genvault;

/** What closing a {@link GenerationStream} before its end does to the generation. */
public enum StreamClosePolicy {
  /** The generation goes on in the background, is persisted and stays addressable (default). */
  FINISH,
  /** The generation is cancelled: its row ends {@code error/cancelled} with the text so far. */
  CANCEL
}
