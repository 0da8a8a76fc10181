package dev.genvault.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README's dependency snippet names the drivers without versions: genvault-bom must manage each
 * at the version these tests ran with.
 */
class BomTest {

  @Test
  void the_bom_manages_each_driver_at_the_version_the_store_is_tested_with() throws Exception {
    String bom = Files.readString(Path.of("../bom/pom.xml"));
    assertThat(managed(bom, "org.postgresql", "postgresql"))
        .isEqualTo(version(org.postgresql.Driver.class));
    assertThat(managed(bom, "org.xerial", "sqlite-jdbc")).isEqualTo(version(org.sqlite.JDBC.class));
    assertThat(managed(bom, "com.h2database", "h2")).isEqualTo(version(org.h2.Driver.class));
  }

  private static String managed(String bom, String groupId, String artifactId) {
    Matcher m =
        Pattern.compile(
                "<groupId>"
                    + Pattern.quote(groupId)
                    + "</groupId>\\s*<artifactId>"
                    + Pattern.quote(artifactId)
                    + "</artifactId>\\s*<version>([^<]+)</version>")
            .matcher(bom);
    return m.find() ? m.group(1) : "not managed by the BOM";
  }

  /** The version of the jar a driver class was loaded from. */
  private static String version(Class<?> driver) throws Exception {
    Path jar = Path.of(driver.getProtectionDomain().getCodeSource().getLocation().toURI());
    try (JarFile file = new JarFile(jar.toFile())) {
      return file.getManifest().getMainAttributes().getValue("Bundle-Version");
    }
  }
}
