package dev.genvault.tck;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.genvault.BlobRef;
import dev.genvault.spi.BlobStore;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileBlobStoreTest extends BlobStoreContract {
  @TempDir Path root;

  @Override
  protected BlobStore createBlobStore() {
    return BlobStore.filesystem(root.resolve("blobs"));
  }

  @Test
  void with_a_public_base_url_the_url_is_that_base_and_the_key() {
    BlobStore published = BlobStore.filesystem(root.resolve("pub"), "https://cdn.example.com/g");
    BlobRef ref = published.put("generations/abc/0.png", new byte[] {1}, "image/png");
    assertThat(published.url(ref))
        .contains(URI.create("https://cdn.example.com/g/generations/abc/0.png"));
  }

  @Test
  void files_land_below_the_root_and_no_temporary_file_is_left() throws Exception {
    blobs.put("generations/abc/0.png", new byte[] {1, 2}, "image/png");
    assertThat(Files.readAllBytes(root.resolve("blobs/generations/abc/0.png")))
        .containsExactly(1, 2);
    try (Stream<Path> files = Files.walk(root)) {
      assertThat(files.filter(p -> p.getFileName().toString().endsWith(".tmp"))).isEmpty();
    }
  }

  @Test
  void a_link_inside_the_root_cannot_lead_out_of_it() throws Exception {
    Path outside = Files.createDirectories(root.resolve("outside"));
    Files.createDirectories(root.resolve("blobs/generations"));
    Files.createSymbolicLink(root.resolve("blobs/generations/link"), outside);
    assertThatThrownBy(() -> blobs.put("generations/link/0.png", new byte[] {1}, "image/png"))
        .isInstanceOf(IllegalArgumentException.class);
    try (Stream<Path> files = Files.list(outside)) {
      assertThat(files).isEmpty();
    }
    Files.write(outside.resolve("secret.txt"), new byte[] {7});
    assertThatThrownBy(() -> blobs.open("generations/link/secret.txt"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> blobs.delete("generations/link/secret.txt"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void a_public_base_url_gives_each_file_its_url() {
    BlobStore published = BlobStore.filesystem(root.resolve("pub"), "https://files.example.test/g");
    BlobRef ref = published.put("generations/abc/0.png", new byte[] {1}, "image/png");
    assertThat(ref.url()).isEqualTo("https://files.example.test/g/generations/abc/0.png");
  }
}
