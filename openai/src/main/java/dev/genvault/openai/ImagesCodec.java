package dev.genvault.openai;

import com.squareup.moshi.JsonReader;
import dev.genvault.ErrorType;
import dev.genvault.GenerationRequest;
import dev.genvault.ModelCall;
import dev.genvault.ModelResult;
import dev.genvault.ProviderException;
import dev.genvault.RequestField;
import dev.genvault.cost.ProviderUsage;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import okio.BufferedSource;
import org.jspecify.annotations.Nullable;

/**
 * Image generation ({@code POST /images/generations}): the request body, and the answer, whose
 * {@code b64_json} images go to the blob store while they are read. Images given only as a URL are
 * listed for the {@link ImageDownloader}; an image given as bytes and URL is stored once, from its
 * bytes.
 */
final class ImagesCodec {
  static final String PATH = "/images/generations";

  private ImagesCodec() {}

  /** What an images answer said: the answer, the URLs still to download, the output format. */
  static final class Images {
    final Answer answer = new Answer();
    final List<String> urls = new ArrayList<>();
    String format = "png";

    /** The result once every image is stored. */
    ModelResult result() {
      answer.finishReason = "stop";
      return answer.result();
    }
  }

  /** The request body: every field of the request that this API takes ({@link #check}ed first). */
  static String body(GenerationRequest r) {
    check(r);
    String prompt =
        r.prompt() != null
            ? r.prompt()
            : r.conversation().get(r.conversation().size() - 1).content();
    return Json.write(
        w -> {
          w.beginObject();
          w.name("model").value(r.model());
          w.name("prompt").value(prompt);
          if (r.n() != null) {
            w.name("n").value(r.n());
          }
          if (r.imageSize() != null) {
            w.name("size").value(r.imageSize());
          }
          if (r.imageQuality() != null) {
            w.name("quality").value(r.imageQuality());
          }
          if (r.model().startsWith("dall-e")) {
            w.name("response_format").value("b64_json");
          }
          ChatCodec.parameters(w, r.parameters());
          w.endObject();
        });
  }

  /**
   * Refuses what the images API cannot send, before anything is stored or written: the text-only
   * fields, a conversation, parameters that are not JSON.
   */
  static void check(GenerationRequest r) {
    Unsent.refuse(
        r,
        "images API",
        RequestField.SYSTEM,
        RequestField.TEMPERATURE,
        RequestField.TOP_P,
        RequestField.MAX_OUTPUT_TOKENS,
        RequestField.SEED,
        RequestField.STOP,
        RequestField.RESPONSE_FORMAT,
        RequestField.TOOLS,
        RequestField.TOOL_CHOICE);
    if (r.messages().size() > 1) {
      throw new IllegalArgumentException(
          "the images API takes one prompt, not a conversation of "
              + r.messages().size()
              + " messages: use prompt(...) or a single message");
    }
    r.parameters().values().forEach(Json::check);
  }

  /**
   * Reads the answer, storing each {@code b64_json} image as it goes.
   *
   * @throws ProviderException for an in-band error, a broken answer, or an answer with no image
   */
  static Images read(ModelCall call, BufferedSource body) throws IOException {
    Images images = new Images();
    Json.read(body, "the response", reader -> parse(reader, images, call));
    if (images.answer.error != null) {
      throw images.answer.error;
    }
    if (images.urls.isEmpty() && images.answer.imagesStored == 0) {
      throw new ProviderException(ErrorType.INVALID_RESPONSE, "the response has no image");
    }
    return images;
  }

  private static void parse(JsonReader r, Images images, ModelCall call) throws IOException {
    Answer s = images.answer;
    r.beginObject();
    while (r.hasNext()) {
      switch (r.nextName()) {
        case "usage" -> s.usage(r, ProviderUsage::openAiImages);
        case "size", "quality", "background" -> {
          String name = r.getPath().substring(r.getPath().lastIndexOf('.') + 1);
          s.attribute(name, Json.string(r));
        }
        case "output_format" -> {
          String v = Json.string(r);
          if (v != null) {
            images.format = v;
            s.attribute("output_format", v);
          }
        }
        case "data" -> {
          r.beginArray();
          while (r.hasNext()) {
            String url = image(r, s, call, images.format);
            if (url != null) {
              images.urls.add(url);
            }
          }
          r.endArray();
        }
        default -> r.skipValue();
      }
    }
    r.endObject();
  }

  /**
   * One image item: its bytes go to the blob store as they are read. Returns its URL to download
   * when it came without bytes (one file per image: bytes are preferred).
   */
  private static @Nullable String image(JsonReader r, Answer s, ModelCall call, String format)
      throws IOException {
    String url = null;
    boolean stored = false;
    r.beginObject();
    while (r.hasNext()) {
      switch (r.nextName()) {
        case "b64_json" -> {
          if (r.peek() != JsonReader.Token.STRING || stored) {
            r.skipValue();
            break;
          }
          Base64ImageDecoder.store(r, call, contentType(format));
          stored = true;
          s.imagesStored++;
        }
        case "url" -> url = Json.string(r);
        case "revised_prompt" -> s.attribute("revised_prompt", Json.string(r));
        default -> r.skipValue();
      }
    }
    r.endObject();
    return stored ? null : url;
  }

  /** The content type of an image in the given output format; PNG unless told otherwise. */
  static String contentType(String format) {
    return switch (format.toLowerCase(Locale.ROOT)) {
      case "jpeg", "jpg" -> "image/jpeg";
      case "webp" -> "image/webp";
      default -> "image/png";
    };
  }
}
