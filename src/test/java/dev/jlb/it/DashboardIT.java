package dev.jlb.it;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.jlb.testserver.TestServer;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/** The dashboard in a real headless Chromium (Debian's), driven by Selenium. */
class DashboardIT {
    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    private static final String TOKEN = "dashboard-token";

    private WebDriver browser;

    @BeforeEach
    void startBrowser() throws Exception {
        assertTrue(
                new File(CHROMIUM).canExecute() && new File(CHROMEDRIVER).canExecute(),
                "Chromium and ChromeDriver are missing: run bin/test, which installs chromium and chromium-driver");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments(
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--window-size=1280,900",
                "--user-data-dir=" + Files.createTempDirectory("chromium"));
        LoggingPreferences logs = new LoggingPreferences();
        logs.enable(LogType.BROWSER, Level.ALL);
        options.setCapability("goog:loggingPrefs", logs);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .build();
        browser = new ChromeDriver(service, options);
    }

    @AfterEach
    void stopBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    private WebElement card(TestServer backend) {
        return browser.findElement(By.cssSelector("article.backend[data-address='" + backend.name() + "']"));
    }

    private String field(TestServer backend, String name) {
        return card(backend).findElement(By.cssSelector("." + name)).getText();
    }

    private void screenshot(String name) throws Exception {
        Path target = Path.of("target", name);
        Files.copy(
                ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE).toPath(),
                target,
                StandardCopyOption.REPLACE_EXISTING);
    }

    @Test
    void showsTheBackendsFollowsTheirHealthAndDrainsOneWithTheToken() throws Exception {
        try (Backends backends = Backends.start(3);
                RunningBalancer balancer = RunningBalancer.inFrontOf(
                        backends.all(),
                        Map.of("adminToken", TOKEN, "healthCheckInterval", "0.5", "healthCheckTimeout", "0.5"))) {
            for (int i = 0; i < 30; i++) {
                Http.get(balancer.uri("/warm-up/" + i + "?delay_ms=" + (i % 3) * 10));
            }
            browser.get(balancer.uri("/lb-dashboard").toString());

            await().atMost(Duration.ofSeconds(10))
                    .ignoreExceptions()
                    .until(() -> browser.findElements(By.cssSelector("article.backend"))
                                    .size()
                            == 3);
            for (TestServer backend : backends.all()) {
                assertEquals(
                        backend.name(),
                        card(backend).findElement(By.cssSelector(".address")).getText());
                assertEquals("healthy", field(backend, "health"));
                assertEquals("enabled", field(backend, "state"));
                assertEquals("1", field(backend, "weight"));
                assertEquals("1", field(backend, "effective-weight"));
                assertEquals(balancer.backendStats(backend).getString("route"), field(backend, "route"));
                assertEquals("0", field(backend, "connections"));
            }
            assertEquals("round_robin", browser.findElement(By.id("algorithm")).getText());
            assertEquals("none", browser.findElement(By.id("sticky")).getText());
            assertEquals("ok", browser.findElement(By.id("status")).getText());

            // Its /health fails: the page says so within a few seconds (two checks plus a poll).
            TestServer sick = backends.get(1);
            sick.setHealthy(false);
            await().atMost(Duration.ofSeconds(5))
                    .ignoreExceptions()
                    .until(() -> "unhealthy".equals(field(sick, "health")));
            assertEquals("degraded", browser.findElement(By.id("status")).getText());
            assertTrue(browser.findElement(By.id("transitions"))
                    .getText()
                    .contains(sick.name() + ": healthy \u2192 unhealthy"));

            // Drain through the page, with the token.
            TestServer drained = backends.get(0);
            browser.findElement(By.id("token")).sendKeys(TOKEN);
            browser.findElement(By.id("use-token")).click();
            WebElement drain = card(drained).findElement(By.cssSelector(".drain"));
            await().atMost(Duration.ofSeconds(5)).until(drain::isDisplayed);
            drain.click();
            await().atMost(Duration.ofSeconds(5))
                    .ignoreExceptions()
                    .until(() -> "drained".equals(field(drained, "state")));
            assertEquals("drained", balancer.backendStats(drained).getString("state"));

            // A new weight through the page, then the drained backend back in rotation.
            TestServer reweighted = backends.get(2);
            WebElement weightInput = card(reweighted).findElement(By.cssSelector(".weight-input"));
            weightInput.clear();
            weightInput.sendKeys("4");
            card(reweighted).findElement(By.cssSelector(".set-weight")).click();
            await().atMost(Duration.ofSeconds(5))
                    .ignoreExceptions()
                    .until(() -> "4".equals(field(reweighted, "weight")));
            assertEquals(4, balancer.backendStats(reweighted).getInt("weight"));
            card(drained).findElement(By.cssSelector(".enable")).click();
            await().atMost(Duration.ofSeconds(5))
                    .ignoreExceptions()
                    .until(() -> "enabled".equals(field(drained, "state")));
            assertEquals("enabled", balancer.backendStats(drained).getString("state"));

            // Traffic: the page shows a request rate and a latency for the backend that took it.
            for (int i = 0; i < 40; i++) {
                Http.get(balancer.uri("/after/" + i));
            }
            await().atMost(Duration.ofSeconds(5))
                    .ignoreExceptions()
                    .until(() -> Double.parseDouble(field(reweighted, "rate")) > 0
                            && field(reweighted, "latency").endsWith(" ms"));
            long total = balancer.stats().getJsonNumber("total_requests").longValue();
            await().atMost(Duration.ofSeconds(5))
                    .ignoreExceptions()
                    .until(() -> Long.toString(total)
                            .equals(browser.findElement(By.id("total-requests")).getText()));
            screenshot("dashboard.png");
            // The pictures: wide, and on a narrow screen.
            browser.manage().window().setSize(new Dimension(420, 1000));
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> card(drained).getRect().getWidth() <= 420);
            screenshot("dashboard-narrow.png");

            List<LogEntry> problems = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                    .filter(entry -> entry.getLevel().intValue() >= Level.WARNING.intValue())
                    .toList();
            assertEquals(List.of(), problems, "the browser console");

            // The balancer goes away: the page says it cannot reach it.
            sick.setHealthy(true);
            balancer.close();
            await().atMost(Duration.ofSeconds(8))
                    .ignoreExceptions()
                    .until(() -> browser.findElement(By.id("unreachable")).isDisplayed());
            assertTrue(browser.findElement(By.id("unreachable")).getText().contains("Cannot reach the balancer"));
            assertEquals("unreachable", browser.findElement(By.id("status")).getText());
        }
    }
}
