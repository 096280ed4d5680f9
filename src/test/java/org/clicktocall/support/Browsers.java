package org.clicktocall.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;

/**
 * One headless Chromium for the browser tests. A system Chromium ({@code /usr/bin/chromium}, or
 * {@code CHROMIUM_PATH}) is used when installed, without Playwright downloading its own; otherwise Playwright's
 * own browser, which a machine with internet access downloads by itself. No browser is a failure, never a skip.
 */
public final class Browsers {

    private static final List<String> ARGS = List.of("--headless", "--no-sandbox", "--disable-gpu",
            "--disable-background-networking", "--disable-component-update", "--no-first-run");

    private Browsers() {
    }

    /** A started Playwright with its Chromium; close the Playwright to end both. */
    public static Browser chromium(Playwright[] holder) {
        String configured = System.getenv("CHROMIUM_PATH");
        Path system = Path.of(configured != null && !configured.isBlank() ? configured : "/usr/bin/chromium");
        boolean useSystem = Files.isExecutable(system);
        Map<String, String> env = new HashMap<>();
        if (useSystem) {
            env.put("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1");
        }
        Playwright playwright = Playwright.create(new Playwright.CreateOptions().setEnv(env));
        holder[0] = playwright;
        BrowserType.LaunchOptions options = new BrowserType.LaunchOptions().setHeadless(true).setArgs(ARGS);
        if (useSystem) {
            options.setExecutablePath(system);
        }
        try {
            return playwright.chromium().launch(options);
        } catch (RuntimeException e) {
            playwright.close();
            throw new AssertionError("No browser for the browser tests: install Debian's chromium (apt-get install"
                    + " chromium) or let Playwright download its own (needs internet access)", e);
        }
    }
}
