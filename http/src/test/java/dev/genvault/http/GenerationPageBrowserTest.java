package dev.genvault.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.genvault.DemoModel;
import dev.genvault.Generation;
import dev.genvault.GenerationRequest;
import dev.genvault.GenerationStream;
import dev.genvault.ModelClient;
import dev.genvault.ModelResult;
import dev.genvault.PersistentGenerator;
import dev.genvault.spi.DedupCache;
import dev.genvault.spi.GenerationStore;
import java.io.File;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The generation page in a real browser: headless Chromium from Debian's packages, driven by
 * Selenium through {@code /usr/bin/chromedriver} (nothing is downloaded at run time).
 */
class GenerationPageBrowserTest {
  private static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
  private static final File CHROMIUM = new File("/usr/bin/chromium");

  private static ChromeDriver browser;
  private final GenerationStore store = GenerationStore.inMemory();
  private PersistentGenerator genvault;
  private GenerationRoutes routes;
  private String base;

  @BeforeAll
  static void startBrowser() {
    if (!CHROMEDRIVER.canExecute() || !CHROMIUM.canExecute()) {
      throw new IllegalStateException(
          "the browser tests need Debian's chromium and chromium-driver: apt-get install chromium"
              + " chromium-driver (.ci/run installs them)");
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments(
        "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1000,900");
    browser =
        new ChromeDriver(
            new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER).build(), options);
  }

  @AfterAll
  static void stopBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  @BeforeEach
  void start() throws Exception {
    genvault = PersistentGenerator.builder().store(store).cache(DedupCache.none()).build();
    // The user is a cookie: what a signed-in browser sends on every request, event streams too.
    routes =
        GenerationRoutes.builder()
            .generator(genvault)
            .authorizer(
                (exchange, owner) -> {
                  String cookie = exchange.getRequestHeaders().getFirst("Cookie");
                  return cookie != null && cookie.contains("user=" + owner.userId())
                      ? Visibility.FULL
                      : Visibility.NONE;
                })
            .submissions(
                (exchange, posted) ->
                    GenerationRequest.prompt(DemoModel.MODEL, posted.prompt()).toBuilder()
                        .userId(cookieUser(exchange.getRequestHeaders().getFirst("Cookie")))
                        .build(),
                DemoModel.create(Duration.ofMillis(10), 40))
            .start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    base = "http://127.0.0.1:" + routes.address().orElseThrow().getPort();
    signIn("ann");
  }

  @AfterEach
  void stop() {
    while (browser.getWindowHandles().size() > 1) {
      browser.close();
      browser.switchTo().window(browser.getWindowHandles().iterator().next());
    }
    routes.close();
    genvault.close();
  }

  private static String cookieUser(String cookie) {
    return cookie == null || !cookie.contains("user=")
        ? null
        : cookie.split("user=")[1].split(";")[0];
  }

  private void signIn(String user) {
    browser.get(base + "/sign-in"); // any page of the origin, to set its cookie
    browser.manage().deleteAllCookies();
    browser.manage().addCookie(new Cookie("user", user));
  }

  /** The answer's text exactly as the page holds it (its spaces kept). */
  private String text() {
    return (String)
        ((JavascriptExecutor) browser)
            .executeScript("return document.getElementById('text').textContent");
  }

  private void awaitText(String expected) {
    new WebDriverWait(browser, Duration.ofSeconds(15)).until(d -> text().equals(expected));
  }

  /** A model whose pieces the test hands over one by one; {@code null} ends the answer. */
  private static ModelClient scripted(BlockingQueue<String> pieces) {
    return call -> {
      for (String piece; !(piece = pieces.poll(30, TimeUnit.SECONDS)).isEmpty(); ) {
        call.emit(piece);
      }
      return ModelResult.builder().finishReason("stop").build();
    };
  }

  private static GenerationRequest ask(String user) {
    return GenerationRequest.prompt("gpt-4o-mini", "Tell me a story").toBuilder()
        .userId(user)
        .build();
  }

  private void awaitStored(String id, String text) {
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> store.find(id).orElseThrow().text().equals(text));
  }

  @Test
  void a_live_generation_streams_into_the_page_and_a_refresh_continues_without_gap_or_repeat()
      throws Exception {
    BlockingQueue<String> pieces = new LinkedBlockingQueue<>();
    GenerationStream stream = genvault.stream(ask("ann"), scripted(pieces));
    pieces.add("Once ");
    awaitStored(stream.id(), "Once ");
    browser.get(base + "/generate/" + stream.id());
    assertThat(text()).isEqualTo("Once ");
    pieces.add("upon ");
    awaitText("Once upon ");

    // Refresh mid-stream: the page comes back with the stored text, the stream goes on after it.
    browser.navigate().refresh();
    pieces.add("a ");
    awaitText("Once upon a ");
    // A second tab on the same generation.
    browser.switchTo().newWindow(WindowType.TAB);
    browser.get(base + "/generate/" + stream.id());
    pieces.add("time.");
    awaitText("Once upon a time.");
    pieces.add("");
    Generation done = stream.result();
    new WebDriverWait(browser, Duration.ofSeconds(15))
        .until(d -> d.findElement(By.id("status")).getText().equals("complete"));
    assertThat(text()).isEqualTo(done.text());
    for (String tab : browser.getWindowHandles()) {
      browser.switchTo().window(tab);
      awaitText("Once upon a time.");
    }
  }

  @Test
  void a_script_in_the_text_is_shown_not_run_live_or_finished() throws Exception {
    String attack = "<script>window.pwned = 1</script><img src=x onerror=\"window.pwned = 2\">";
    BlockingQueue<String> pieces = new LinkedBlockingQueue<>();
    GenerationStream stream = genvault.stream(ask("ann"), scripted(pieces));
    pieces.add("Look: ");
    awaitStored(stream.id(), "Look: ");
    browser.get(base + "/generate/" + stream.id());
    pieces.add(attack);
    pieces.add("");
    stream.result();
    awaitText("Look: " + attack);
    assertThat(((JavascriptExecutor) browser).executeScript("return window.pwned")).isNull();

    browser.navigate().refresh(); // the finished page, without script
    assertThat(text()).isEqualTo("Look: " + attack);
    assertThat(((JavascriptExecutor) browser).executeScript("return window.pwned")).isNull();
  }

  @Test
  void a_posted_form_redirects_to_the_page_which_streams_the_answer() throws Exception {
    browser.get(base + "/generate");
    browser.findElement(By.name("prompt")).sendKeys("Write about durable storage");
    browser.findElement(By.cssSelector("button[type=submit]")).click();
    new WebDriverWait(browser, Duration.ofSeconds(15))
        .until(d -> d.getCurrentUrl().matches(".*/generate/[A-Za-z0-9_-]{21}$"));
    String id = browser.getCurrentUrl().substring(browser.getCurrentUrl().lastIndexOf('/') + 1);
    new WebDriverWait(browser, Duration.ofSeconds(30))
        .until(d -> d.findElement(By.id("status")).getText().equals("complete"));
    Generation stored = store.find(id).orElseThrow();
    assertThat(stored.userId()).isEqualTo("ann");
    assertThat(stored.request().prompt()).isEqualTo("Write about durable storage");
    assertThat(text()).isEqualTo(stored.text()).isNotEmpty();
    // The README's picture of the page.
    Path shots = Path.of("target", "screenshots");
    Files.createDirectories(shots);
    Files.write(
        shots.resolve("generation-page.png"),
        ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));
  }

  @Test
  void another_user_gets_the_same_404_as_an_unknown_page() {
    Generation g =
        genvault.generate(
            ask("ann"),
            call -> {
              call.emit("for ann only");
              return ModelResult.builder().finishReason("stop").build();
            });
    browser.get(base + "/generate/" + g.id());
    assertThat(text()).isEqualTo("for ann only");
    signIn("bob");
    browser.get(base + "/generate/" + g.id());
    String forBob = browser.getPageSource();
    browser.get(base + "/generate/AAAAAAAAAAAAAAAAAAAAA");
    assertThat(forBob).contains("not found").doesNotContain("for ann only");
    assertThat(browser.getPageSource()).isEqualTo(forBob);
    signIn("ann"); // and back: the page again, not a copy kept for bob
    browser.get(base + "/generate/" + g.id());
    assertThat(text()).isEqualTo("for ann only");
  }
}
