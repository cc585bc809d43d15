package io.storycast.gateway.testing;

import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.logging.Level;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A real headless Chromium, Debian's {@code chromium} package, driven through its own {@code chromedriver}
 * (package {@code chromium-driver}) by Selenium, with a new empty profile and no background networking (this
 * machine's network is closed; the browser must only talk to the page's server). Paths default to
 * {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver}; the system properties
 * {@code storycast.test.chromium} and {@code storycast.test.chromedriver} change them. Keeps every message
 * the page wrote to the console (and every error Chromium reported for it: a script error, a failed load, a
 * Content-Security-Policy violation), read with {@link #console()}.
 */
public final class HeadlessChromium implements AutoCloseable {
    private final Path profile;
    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final List<LogEntry> console = new ArrayList<>();

    private HeadlessChromium(Path profile, ChromeDriverService service, ChromeDriver driver) {
        this.profile = profile;
        this.service = service;
        this.driver = driver;
    }

    /** Starts chromedriver and, through it, Chromium; close it after the test. */
    public static HeadlessChromium start() {
        File chromium = executable("storycast.test.chromium", "/usr/bin/chromium", "chromium");
        File chromedriver = executable("storycast.test.chromedriver", "/usr/bin/chromedriver", "chromium-driver");
        Path profile;
        try {
            profile = Files.createTempDirectory("storycast-chromium-profile");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(chromium);
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1400,1300", "--user-data-dir=" + profile);
        LoggingPreferences logging = new LoggingPreferences();
        logging.enable(LogType.BROWSER, Level.ALL);
        options.setCapability(ChromeOptions.LOGGING_PREFS, logging);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(chromedriver)
                .usingAnyFreePort()
                .build();
        try {
            return new HeadlessChromium(profile, service, new ChromeDriver(service, options));
        } catch (RuntimeException e) {
            service.stop();
            deleteQuietly(profile);
            throw e;
        }
    }

    private static File executable(String property, String fallback, String debianPackage) {
        File file = new File(System.getProperty(property, fallback));
        assertThat(file.canExecute())
                .as("%s is not installed (Debian package %s; .ci/run installs it), or set -D%s", file, debianPackage, property)
                .isTrue();
        return file;
    }

    public ChromeDriver driver() {
        return driver;
    }

    /** Runs {@code script} in the page (a function body: {@code return ...}) and returns what it returns. */
    public Object script(String script, Object... arguments) {
        return ((JavascriptExecutor) driver).executeScript(script, arguments);
    }

    /** @return every console message and page error so far, oldest first */
    public List<LogEntry> console() {
        driver.manage().logs().get(LogType.BROWSER).forEach(console::add);
        return List.copyOf(console);
    }

    /**
     * Asserts what every page the gateway serves must keep: no console warning or error (a script error, a failed
     * or refused load are errors), and every resource the page fetched came from {@code origin} (nothing from a CDN).
     *
     * @param origin the gateway's origin, e.g. {@code http://127.0.0.1:8080}
     */
    @SuppressWarnings("unchecked")
    public void assertQuietAndSelfContained(String origin) {
        List<String> errors = console().stream()
                .filter(entry -> entry.getLevel().intValue() >= Level.WARNING.intValue())
                .map(entry -> entry.getLevel() + " " + entry.getMessage()).toList();
        assertThat(errors).as("console warnings and errors").isEmpty();
        List<String> resources = (List<String>) script(
                "return performance.getEntriesByType('resource').map((entry) => entry.name);");
        assertThat(resources).as("resources the page fetched").isNotEmpty()
                .allSatisfy(url -> assertThat(url).startsWith(origin + "/"));
    }

    /** Writes a PNG of the window to {@code file}, for a person to look at after the run. */
    public void screenshot(Path file) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, driver.getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
            deleteQuietly(profile);
        }
    }

    private static void deleteQuietly(Path folder) {
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind: harmless
        }
    }
}
