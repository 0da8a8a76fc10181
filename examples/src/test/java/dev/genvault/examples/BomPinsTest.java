package dev.genvault.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * genvault-bom gives a user's build the versions Genvault is built with: each library it manages is
 * managed by the parent at the same version, and the ones nearest-wins would get wrong (okio, the
 * Kotlin standard library) are there.
 */
class BomPinsTest {
  private static final Pattern MANAGED =
      Pattern.compile(
          "<groupId>([^<]+)</groupId>\\s*<artifactId>([^<]+)</artifactId>\\s*"
              + "<version>([^<]+)</version>");
  private static final Pattern PROPERTY = Pattern.compile("\\$\\{([^}]+)}");

  @Test
  void the_bom_pins_each_library_at_the_version_the_build_uses() throws Exception {
    String parent = Files.readString(Path.of("../pom.xml"));
    Map<String, String> bom = managed(Files.readString(Path.of("../bom/pom.xml")), parent);
    Map<String, String> build = managed(parent, parent);

    assertThat(bom)
        .containsKeys(
            "com.squareup.okio:okio-jvm",
            "com.squareup.okio:okio",
            "org.jetbrains.kotlin:kotlin-stdlib",
            "org.jetbrains.kotlin:kotlin-stdlib-jdk7",
            "org.jetbrains.kotlin:kotlin-stdlib-jdk8",
            "redis.clients:jedis",
            "org.apache.httpcomponents.client5:httpclient5",
            "org.apache.httpcomponents.core5:httpcore5",
            "org.apache.httpcomponents.core5:httpcore5-h2");
    bom.forEach(
        (library, version) -> {
          if (!library.startsWith("dev.genvault:")) {
            assertThat(build.get(library)).as(library).isEqualTo(version);
          }
        });
  }

  /** Group and artifact to version, with the parent's properties filled in. */
  private static Map<String, String> managed(String pom, String parent) {
    Map<String, String> versions = new LinkedHashMap<>();
    Matcher m = MANAGED.matcher(pom);
    while (m.find()) {
      versions.put(m.group(1) + ":" + m.group(2), resolve(m.group(3), parent));
    }
    return versions;
  }

  private static String resolve(String version, String parent) {
    Matcher p = PROPERTY.matcher(version);
    if (!p.matches() || p.group(1).equals("project.version")) {
      return version;
    }
    Matcher value = Pattern.compile("<" + Pattern.quote(p.group(1)) + ">([^<]+)</").matcher(parent);
    return value.find() ? value.group(1) : version;
  }
}
