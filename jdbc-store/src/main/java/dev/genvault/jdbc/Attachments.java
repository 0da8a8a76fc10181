package dev.genvault.jdbc;

import dev.genvault.BlobRef;
import dev.genvault.Generation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jdbi.v3.core.Handle;

/**
 * Completes rows read from {@code generations}: every row gets its whole request ({@link
 * ThreadRows}), its files, and a live row the text of its stored chunks. At most three queries per
 * page, whatever its size.
 */
final class Attachments {
  private Attachments() {}

  static List<Generation> complete(Handle h, List<StoredRow> stored, SqlDialect dialect) {
    if (stored.isEmpty()) {
      return List.of();
    }
    List<Generation> rows = new ArrayList<>(stored.size());
    for (Generation.Builder b : ThreadRows.requests(h, stored, dialect)) {
      rows.add(b.build());
    }
    List<String> ids = new ArrayList<>();
    List<String> live = new ArrayList<>();
    for (int i = 0; i < rows.size(); i++) {
      Generation g = rows.get(i);
      Integer blobCount = stored.get(i).blobCount();
      // A row that says it has no files needs no query (a history page of text, most often).
      if (blobCount == null || blobCount > 0) {
        ids.add(g.id());
      }
      if (!g.isTerminal()) {
        live.add(g.id());
      }
    }
    Map<String, List<BlobRef>> blobs = new HashMap<>();
    if (!ids.isEmpty()) {
      h.createQuery(GenerationSql.BLOBS_OF)
          .bindList("ids", ids)
          .map(
              (rs, ctx) ->
                  Map.entry(
                      rs.getString("generation_id"),
                      new BlobRef(
                          rs.getString("blob_key"),
                          rs.getString("url"),
                          rs.getString("content_type"),
                          rs.getLong("size_bytes"),
                          rs.getString("sha256"))))
          .forEach(
              e -> blobs.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue()));
    }
    Map<String, StringBuilder> texts = new HashMap<>();
    if (!live.isEmpty()) {
      h.createQuery(GenerationSql.CHUNK_TEXT_OF)
          .bindList("ids", live)
          .map((rs, ctx) -> Map.entry(rs.getString("generation_id"), rs.getString("text")))
          .forEach(
              e ->
                  texts.computeIfAbsent(e.getKey(), k -> new StringBuilder()).append(e.getValue()));
    }
    List<Generation> result = new ArrayList<>(rows.size());
    for (Generation g : rows) {
      List<BlobRef> refs = blobs.get(g.id());
      StringBuilder text = texts.get(g.id());
      if (refs == null && text == null) {
        result.add(g);
      } else {
        Generation.Builder b = g.toBuilder();
        if (refs != null) {
          b.blobs(refs);
        }
        if (text != null) {
          b.text(text.toString());
        }
        result.add(b.build());
      }
    }
    return result;
  }
}
