package dev.genvault.internal;

import org.jspecify.annotations.Nullable;

/** A file's content type from its first bytes, never from what a provider claims. */
public final class ContentTypes {
  /** The type of anything that is not a known raster image. */
  public static final String OCTET_STREAM = "application/octet-stream";

  /** How many leading bytes {@link #sniff} needs to tell every type it knows. */
  public static final int SNIFF_BYTES = 12;

  private ContentTypes() {}

  /**
   * The content type of a raster image (PNG, JPEG, GIF, WebP) from its first {@code n} bytes, or
   * null for anything else.
   */
  public static @Nullable String sniff(byte[] b, int n) {
    if (n >= 8 && (b[0] & 0xff) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
      return "image/png";
    }
    if (n >= 3 && (b[0] & 0xff) == 0xFF && (b[1] & 0xff) == 0xD8 && (b[2] & 0xff) == 0xFF) {
      return "image/jpeg";
    }
    if (n >= 6 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F' && b[3] == '8') {
      return "image/gif";
    }
    if (n >= 12
        && b[0] == 'R'
        && b[1] == 'I'
        && b[2] == 'F'
        && b[3] == 'F'
        && b[8] == 'W'
        && b[9] == 'E'
        && b[10] == 'B'
        && b[11] == 'P') {
      return "image/webp";
    }
    return null;
  }

  /** {@link #sniff}, or {@code application/octet-stream} for anything but a raster image. */
  public static String detect(byte[] b, int n) {
    String type = sniff(b, n);
    return type == null ? OCTET_STREAM : type;
  }

  /** Whether a content type is one of the raster images {@link #sniff} knows (shown inline). */
  public static boolean isRaster(String contentType) {
    return contentType.equals("image/png")
        || contentType.equals("image/jpeg")
        || contentType.equals("image/gif")
        || contentType.equals("image/webp");
  }
}
