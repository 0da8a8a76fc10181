package dev.genvault.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every {@code ```java} snippet of the top-level README and of each module's README compiles as
 * written, against the modules as they are built: a snippet that declares a type is compiled as a
 * member, anything else as a method body, of a subclass of {@link ReadmeContext}, which declares
 * the few names the snippets take as given ({@code genvault}, {@code request}, {@code client},
 * ...). An error is reported at its README line.
 */
class ReadmeSnippetsTest {
  private static final Path ROOT = Path.of("..");
  private static final Pattern DECLARES_A_TYPE =
      Pattern.compile(
          "^(@\\w+.*|((public|protected|private|abstract|final|static)\\s+)*"
              + "(class|interface|record|enum)\\s.*)");
  private static final List<String> IMPORTS =
      List.of(
          "com.sun.net.httpserver.*",
          "com.zaxxer.hikari.*",
          "dev.genvault.*",
          "dev.genvault.cost.*",
          "dev.genvault.http.*",
          "dev.genvault.jdbc.*",
          "dev.genvault.openai.*",
          "dev.genvault.redis.*",
          "dev.genvault.s3.*",
          "dev.genvault.spi.*",
          "dev.genvault.tck.*",
          "java.io.*",
          "java.math.*",
          "java.net.*",
          "java.nio.file.*",
          "java.time.*",
          "java.util.*",
          "javax.sql.*",
          "redis.clients.jedis.DefaultJedisClientConfig",
          "redis.clients.jedis.HostAndPort",
          "redis.clients.jedis.RedisClusterClient",
          "redis.clients.jedis.RedisSentinelClient",
          "software.amazon.awssdk.core.checksums.*",
          "software.amazon.awssdk.core.retry.*",
          "software.amazon.awssdk.regions.*",
          "software.amazon.awssdk.services.s3.*",
          "software.amazon.awssdk.services.s3.presigner.*");

  @TempDir Path work;

  /** A snippet: where it starts in which README, and its text. */
  record Snippet(Path readme, int firstLine, String code) {
    String where() {
      return ROOT.relativize(readme).toString();
    }
  }

  @Test
  void every_java_snippet_in_the_readmes_compiles() throws IOException {
    List<Snippet> snippets = new ArrayList<>();
    for (Path readme : readmes()) {
      snippets.addAll(snippets(readme));
    }
    assertThat(snippets)
        .as("the top-level README's snippets are found")
        .filteredOn(s -> s.where().equals("README.md"))
        .hasSizeGreaterThanOrEqualTo(6);

    List<Path> sources = new ArrayList<>();
    for (int i = 0; i < snippets.size(); i++) {
      sources.add(write(i, snippets.get(i)));
    }
    assertThat(compile(sources, snippets)).isEmpty();
  }

  /** The top-level README and the README of each module. */
  private static List<Path> readmes() throws IOException {
    List<Path> readmes = new ArrayList<>();
    readmes.add(ROOT.resolve("README.md"));
    try (Stream<Path> modules = Files.list(ROOT)) {
      modules
          .map(m -> m.resolve("README.md"))
          .filter(Files::isRegularFile)
          .sorted()
          .forEach(readmes::add);
    }
    return readmes;
  }

  static List<Snippet> snippets(Path readme) throws IOException {
    List<String> lines = Files.readAllLines(readme, StandardCharsets.UTF_8);
    List<Snippet> found = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).strip().equals("```java")) {
        int start = i + 1;
        int end = start;
        while (end < lines.size() && !lines.get(end).strip().equals("```")) {
          end++;
        }
        found.add(new Snippet(readme, start + 1, String.join("\n", lines.subList(start, end))));
        i = end;
      }
    }
    return found;
  }

  /** The number of lines before each generated source's snippet. */
  private final Map<Path, Integer> headers = new HashMap<>();

  /** The README line of each of a generated source's own imports, in the header's order. */
  private final Map<Path, List<Long>> importLines = new HashMap<>();

  /**
   * A snippet's own imports (its first lines that import), moved to the generated source's header;
   * the snippet keeps a blank line in place of each, so that its lines keep their numbers.
   */
  private static List<String> ownImports(String code) {
    List<String> imports = new ArrayList<>();
    for (String line : code.lines().collect(Collectors.toList())) {
      if (line.strip().startsWith("import ")) {
        imports.add(line.strip());
      } else if (!line.isBlank()) {
        break;
      }
    }
    return imports;
  }

  /**
   * The class a snippet is compiled in: one that also names an app's LangChain4j or Spring AI
   * models where the snippet imports from that framework (both call theirs {@code ChatModel}).
   */
  private static String context(List<String> imports) {
    if (imports.stream().anyMatch(i -> i.contains(" dev.langchain4j."))) {
      return "LangChain4jReadmeContext";
    }
    if (imports.stream().anyMatch(i -> i.contains(" org.springframework.ai."))) {
      return "SpringAiReadmeContext";
    }
    return "ReadmeContext";
  }

  private Path write(int n, Snippet snippet) throws IOException {
    List<String> imports = ownImports(snippet.code());
    List<String> codeLines = snippet.code().lines().collect(Collectors.toList());
    List<Long> readmeLines = new ArrayList<>();
    for (String i : imports) {
      readmeLines.add(
          (long) snippet.firstLine()
              + codeLines.indexOf(
                  codeLines.stream().filter(l -> l.strip().equals(i)).findFirst().orElseThrow()));
    }
    String code = snippet.code();
    for (String i : imports) {
      code = code.replaceFirst("(?m)^\\s*" + Pattern.quote(i) + "\\s*$", "");
    }
    String firstCode =
        code.lines()
            .map(String::strip)
            .filter(l -> !l.isEmpty() && !l.startsWith("//"))
            .findFirst()
            .orElse("");
    boolean types = DECLARES_A_TYPE.matcher(firstCode).matches();
    StringBuilder source = new StringBuilder("package dev.genvault.examples;\n");
    for (String i : imports) {
      source.append(i).append('\n');
    }
    for (String i : IMPORTS) {
      source.append("import ").append(i).append(";\n");
    }
    source
        .append("abstract class Snippet")
        .append(n)
        .append(" extends ")
        .append(context(imports))
        .append(" {")
        .append(types ? "\n" : " void snippet() throws Exception {\n");
    int header = (int) source.chars().filter(c -> c == '\n').count();
    source.append(code).append(types ? "\n}\n" : "\n}}\n");
    Path file = work.resolve("Snippet" + n + ".java");
    headers.put(file, header);
    importLines.put(file, readmeLines);
    Files.writeString(file, source, StandardCharsets.UTF_8);
    return file;
  }

  /** Compiles the sources; the errors, each at its README line. */
  private List<String> compile(List<Path> sources, List<Snippet> snippets) throws IOException {
    JavaCompiler javac = ToolProvider.getSystemJavaCompiler();
    DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
    try (StandardJavaFileManager files =
        javac.getStandardFileManager(diagnostics, Locale.ROOT, StandardCharsets.UTF_8)) {
      List<String> options =
          List.of(
              "--release",
              "17",
              "-proc:none",
              "-implicit:none",
              "-classpath",
              classpath(),
              "-d",
              Files.createDirectories(work.resolve("classes")).toString());
      Boolean ok =
          javac
              .getTask(
                  null,
                  files,
                  diagnostics,
                  options,
                  null,
                  files.getJavaFileObjectsFromPaths(sources))
              .call();
      List<String> errors =
          diagnostics.getDiagnostics().stream()
              .filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
              .map(d -> at(d, sources, snippets))
              .collect(Collectors.toList());
      if (!ok && errors.isEmpty()) {
        errors.add("javac failed without an error diagnostic");
      }
      return errors;
    }
  }

  private String at(
      Diagnostic<? extends JavaFileObject> d, List<Path> sources, List<Snippet> snippets) {
    String message = d.getMessage(Locale.ROOT);
    if (d.getSource() == null) {
      return message;
    }
    Path file = Path.of(d.getSource().toUri());
    int n = sources.indexOf(file);
    if (n < 0) {
      return file + ":" + d.getLineNumber() + ": " + message;
    }
    Snippet s = snippets.get(n);
    List<Long> imports = importLines.get(file);
    long header = d.getLineNumber() - 2; // line 1 is the package; the snippet's imports follow
    long line =
        header >= 0 && header < imports.size()
            ? imports.get((int) header)
            : s.firstLine() + d.getLineNumber() - 1 - headers.get(file);
    return s.where() + ":" + line + ": " + message;
  }

  /** The test class path: Surefire's own when it names it, else the JVM's. */
  private static String classpath() {
    String surefire = System.getProperty("surefire.test.class.path");
    String path = surefire != null ? surefire : System.getProperty("java.class.path");
    return Stream.of(path.split(Pattern.quote(File.pathSeparator)))
        .filter(p -> !p.isBlank())
        .collect(Collectors.joining(File.pathSeparator));
  }
}
