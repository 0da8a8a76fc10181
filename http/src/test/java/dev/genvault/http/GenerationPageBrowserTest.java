package dev.genvault.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.genvault.DemoModel;
import dev.genvault.ErrorType;
import dev.genvault.Generation;
import dev.genvault.GenerationRequest;
import dev.genvault.GenerationStream;
import dev.genvault.ModelClient;
import dev.genvault.ModelResult;
import dev.genvault.PersistentGenerator;
import dev.genvault.ProviderException;
import dev.genvault.Usage;
import dev.genvault.spi.DedupCache;
import dev.genvault.spi.GenerationStore;
import java.io.File;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
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
import org.openqa.selenium.WebElement;
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

  private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

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
            .history(
                exchange -> {
                  String user = cookieUser(exchange.getRequestHeaders().getFirst("Cookie"));
                  return user == null ? null : Caller.user(user);
                })
            .clock(Clock.fixed(NOW, ZoneOffset.UTC))
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
      return ModelResult.builder().finishReason("stop").usage(Usage.of(5, 7)).build();
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
    // The end of the stream fills in what the finished page shows.
    assertThat(browser.findElement(By.id("usage")).getText()).isEqualTo("5 in, 7 out");
    assertThat(browser.findElement(By.id("cost")).getText())
        .isEqualTo("$" + done.cost().usd().toPlainString());
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

  @Test
  void a_failure_while_the_page_is_open_shows_its_error_and_partial_text() throws Exception {
    BlockingQueue<String> pieces = new LinkedBlockingQueue<>();
    GenerationStream stream =
        genvault.stream(
            ask("ann"),
            call -> {
              call.emit(pieces.poll(30, TimeUnit.SECONDS));
              pieces.poll(30, TimeUnit.SECONDS);
              throw new ProviderException(ErrorType.RATE_LIMITED, "slow <down>");
            });
    pieces.add("Partial ");
    awaitStored(stream.id(), "Partial ");
    browser.get(base + "/generate/" + stream.id());
    pieces.add("go");
    new WebDriverWait(browser, Duration.ofSeconds(15))
        .until(d -> d.findElement(By.id("status")).getText().equals("error (rate_limited)"));
    assertThat(browser.findElement(By.id("error")).getText())
        .isEqualTo("rate_limited: slow <down>");
    assertThat(text()).isEqualTo("Partial ");
    assertThat(browser.findElement(By.id("cost")).getText()).isEqualTo("unpriced");
  }

  @Test
  void the_history_pages_through_120_generations_and_its_chart_sums_to_the_spend()
      throws Exception {
    // 120 of ann's over the last 40 days (every 8 hours), in three models, one without a price;
    // a few of bob's among them.
    HistoryTest.SettableClock clock = new HistoryTest.SettableClock(NOW);
    List<Generation> anns = new ArrayList<>();
    try (PersistentGenerator past =
        PersistentGenerator.builder().store(store).cache(DedupCache.none()).clock(clock).build()) {
      String[] models = {"gpt-4o-mini", "gpt-4o", "unpriced-local-model"};
      for (int i = 0; i < 120; i++) {
        clock.set(NOW.minus(Duration.ofHours(8L * i + 1)));
        String text = "story " + i;
        long tokens = 100L * (i + 1);
        anns.add(
            past.generate(
                GenerationRequest.prompt(models[i % 3], "q " + i).toBuilder().userId("ann").build(),
                call -> {
                  call.emit(text);
                  return ModelResult.builder().usage(Usage.of(tokens, tokens / 2)).build();
                }));
        if (i % 30 == 0) {
          past.generate(
              GenerationRequest.prompt("gpt-4o", "q").toBuilder().userId("bob").build(),
              call -> {
                call.emit("bob's");
                return ModelResult.builder().usage(Usage.of(10, 10)).build();
              });
        }
      }
    }

    browser.get(base + "/generations");
    // The chart: one bar per day of the last 30, summing to the total; the total is what ann's
    // priced generations of those days cost.
    BigDecimal total =
        new BigDecimal(browser.findElement(By.id("total-cost")).getAttribute("data-usd"));
    List<WebElement> bars = browser.findElements(By.cssSelector("svg rect.bar"));
    assertThat(bars).hasSize(30);
    BigDecimal drawn = BigDecimal.ZERO;
    for (WebElement bar : bars) {
      drawn = drawn.add(new BigDecimal(bar.getAttribute("data-usd")));
    }
    Instant from = Instant.parse("2026-10-31T00:00:00Z");
    BigDecimal expected =
        anns.stream()
            .filter(g -> !g.createdAt().isBefore(from) && g.cost() != null)
            .map(g -> g.cost().usd())
            .reduce(BigDecimal.ZERO, BigDecimal::add);
    assertThat(expected).isPositive();
    assertThat(drawn).isEqualByComparingTo(total);
    assertThat(total).isEqualByComparingTo(expected);
    Path shots = Path.of("target", "screenshots");
    Files.createDirectories(shots);
    Files.write(
        shots.resolve("history-page.png"),
        ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES));

    // Paging: newest first, every generation once, by following the page's own links.
    List<String> seen = new ArrayList<>();
    int pages = 0;
    while (true) {
      pages++;
      for (WebElement row : browser.findElements(By.cssSelector("tr[data-id]"))) {
        seen.add(row.getAttribute("data-id"));
      }
      List<WebElement> next = browser.findElements(By.id("next"));
      if (next.isEmpty()) {
        break;
      }
      next.get(0).click();
    }
    assertThat(pages).isEqualTo(3);
    assertThat(seen).containsExactlyElementsOf(anns.stream().map(Generation::id).toList());

    // The form filters by model; a row links to its page.
    browser.get(base + "/generations");
    browser.findElement(By.name("model")).sendKeys("unpriced-local-model");
    browser.findElement(By.cssSelector("form.filters button[type=submit]")).click();
    new WebDriverWait(browser, Duration.ofSeconds(15))
        .until(d -> d.getCurrentUrl().contains("model=unpriced-local-model"));
    List<WebElement> rows = browser.findElements(By.cssSelector("tr[data-id]"));
    assertThat(rows).hasSize(40);
    assertThat(rows.get(0).getText()).contains("unpriced-local-model").contains("unpriced");
    rows.get(0).findElement(By.tagName("a")).click();
    new WebDriverWait(browser, Duration.ofSeconds(15))
        .until(d -> d.getCurrentUrl().endsWith("/generate/" + anns.get(2).id()));
    assertThat(text()).isEqualTo("story 2");

    // Bob sees his own history only, and ann's pages are not found for him.
    signIn("bob");
    browser.get(base + "/generations");
    List<WebElement> bobs = browser.findElements(By.cssSelector("tr[data-id]"));
    assertThat(bobs).hasSize(4);
    assertThat(browser.getPageSource()).doesNotContain(anns.get(0).id()).doesNotContain("story 0");
    browser.get(base + "/generate/" + anns.get(0).id());
    assertThat(browser.getPageSource()).contains("not found").doesNotContain("story 0");
  }
}
