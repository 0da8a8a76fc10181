package dev.genvault.openai;

/**
 * One schema-valid answer per endpoint, taken from the examples in OpenAI's OpenAPI description
 * (chat completion object, chat completion chunks, response object, the Responses streaming
 * example, image generation response), shortened where the text was long. {@code {{BASE}}} stands
 * for the test server.
 */
final class SpecResponses {
  private SpecResponses() {}

  static final String CHAT =
      """
      {"id":"chatcmpl-B9MHDbslfkBeAs8l4bebGdFOJ6PeG","object":"chat.completion","created":1741570283,
       "model":"gpt-4o-2024-08-06",
       "choices":[{"index":0,"message":{"role":"assistant","content":"The image shows a wooden boardwalk.",
         "refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"stop"}],
       "usage":{"prompt_tokens":1117,"completion_tokens":46,"total_tokens":1163,
         "prompt_tokens_details":{"cached_tokens":0,"audio_tokens":0},
         "completion_tokens_details":{"reasoning_tokens":0,"audio_tokens":0,
           "accepted_prediction_tokens":0,"rejected_prediction_tokens":0}},
       "service_tier":"default","system_fingerprint":"fp_fc9f1d7035"}
      """;

  /** The events of a stream, in order; each is sent as one {@code data:} line, then [DONE]. */
  static final String CHAT_STREAM =
      """
      [{"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini",
        "system_fingerprint":"fp_44709d6fcb","choices":[{"index":0,"delta":{"role":"assistant","content":""},
        "logprobs":null,"finish_reason":null}],"obfuscation":"r4N7vQ2m"},
       {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini",
        "system_fingerprint":"fp_44709d6fcb","choices":[{"index":0,"delta":{"content":"Hello"},
        "logprobs":null,"finish_reason":null}],"obfuscation":"p9K3xT6w"},
       {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini",
        "system_fingerprint":"fp_44709d6fcb","choices":[{"index":0,"delta":{},"logprobs":null,
        "finish_reason":"stop"}],"obfuscation":""},
       {"id":"chatcmpl-123","object":"chat.completion.chunk","created":1694268190,"model":"gpt-4o-mini",
        "choices":[],"usage":{"prompt_tokens":9,"completion_tokens":1,"total_tokens":10}}]
      """;

  static final String RESPONSE =
      """
      {"id":"resp_67ccd3a9da748190baa7f1570fe91ac604becb25c45c1d41","object":"response",
       "created_at":1741476777,"status":"completed","completed_at":1741476778,"error":null,
       "incomplete_details":null,"instructions":null,"max_output_tokens":null,"model":"gpt-4o-2024-08-06",
       "output":[{"type":"message","id":"msg_67ccd3acc8d48190a77525dc6de64b4104becb25c45c1d41",
         "status":"completed","role":"assistant","content":[{"type":"output_text",
         "text":"The image depicts a scenic landscape.","annotations":[]}]}],
       "parallel_tool_calls":true,"previous_response_id":null,
       "reasoning":{"effort":null,"summary":null},"store":true,"temperature":1,
       "text":{"format":{"type":"text"}},"tool_choice":"auto","tools":[],"top_p":1,"truncation":"disabled",
       "usage":{"input_tokens":328,"input_tokens_details":{"cached_tokens":0,"cache_write_tokens":0},
         "output_tokens":52,"output_tokens_details":{"reasoning_tokens":0},"total_tokens":380},
       "user":null,"metadata":{}}
      """;

  static final String RESPONSE_STREAM =
      """
      [{"type":"response.created","response":{"id":"resp_67c9fdcecf488190bdd9a0409de3a1ec07b8b0ad4e5eb654",
         "object":"response","created_at":1741290958,"status":"in_progress","error":null,
         "incomplete_details":null,"instructions":"You are a helpful assistant.","max_output_tokens":null,
         "model":"gpt-5.4","output":[],"parallel_tool_calls":true,"previous_response_id":null,
         "store":true,"temperature":1.0,"tool_choice":"auto","tools":[],"top_p":1.0,"usage":null,
         "metadata":{}},"sequence_number":0},
       {"type":"response.output_item.added","output_index":0,"item":{"id":"msg_67c9","type":"message",
         "status":"in_progress","role":"assistant","content":[]},"sequence_number":1},
       {"type":"response.output_text.delta","item_id":"msg_67c9","output_index":0,"content_index":0,
         "delta":"Hi","sequence_number":2},
       {"type":"response.output_text.delta","item_id":"msg_67c9","output_index":0,"content_index":0,
         "delta":" there!","sequence_number":3},
       {"type":"response.output_text.done","item_id":"msg_67c9","output_index":0,"content_index":0,
         "text":"Hi there!","sequence_number":4},
       {"type":"response.completed","response":{"id":"resp_67c9fdcecf488190bdd9a0409de3a1ec07b8b0ad4e5eb654",
         "object":"response","created_at":1741290958,"status":"completed","error":null,
         "incomplete_details":null,"instructions":"You are a helpful assistant.","max_output_tokens":null,
         "model":"gpt-5.4","output":[{"id":"msg_67c9","type":"message","status":"completed",
         "role":"assistant","content":[{"type":"output_text","text":"Hi there!","annotations":[]}]}],
         "parallel_tool_calls":true,"previous_response_id":null,"store":true,"temperature":1.0,
         "tool_choice":"auto","tools":[],"top_p":1.0,
         "usage":{"input_tokens":37,"output_tokens":11,"output_tokens_details":{"reasoning_tokens":0},
           "total_tokens":48},"metadata":{}},"sequence_number":5}]
      """;

  /** A 1x1 PNG's first bytes, as {@code b64_json}. */
  static final String IMAGE_B64 =
      """
      {"created":1713833628,"data":[{"b64_json":"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJ"}],
       "background":"transparent","output_format":"png","size":"1024x1024","quality":"high",
       "usage":{"total_tokens":100,"input_tokens":50,"output_tokens":50,
         "input_tokens_details":{"text_tokens":10,"image_tokens":40}}}
      """;

  static final String IMAGE_URL =
      """
      {"created":1589478378,"data":[{"url":"{{BASE}}/files/img.png",
        "revised_prompt":"A cute baby sea otter floating on its back."}]}
      """;
}
