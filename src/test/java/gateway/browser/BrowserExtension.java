package gateway.browser;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives browser tests a {@link Page}: one Chromium per test class (it takes about a second to
 * start), a fresh tab per test. A test fails when its page recorded a {@link Problem} the test
 * did not {@linkplain Page#takeProblems() take}, and a failed test leaves a screenshot in
 * {@code target/browser-screenshots/<Class>-<method>.png}. Without Chromium every test is
 * skipped, with a message that says how to install it.
 *
 * <pre>{@code
 * @ExtendWith(BrowserExtension.class)
 * class PlaygroundBrowserTest {
 *     @Test
 *     void entersAMessage(Page page) {
 *         page.navigate(gateway.uri() + "/");
 *         ...
 *     }
 * }
 * }</pre>
 *
 * A test may also take the {@link Browser}, to open more tabs of its own (and close them).
 */
public final class BrowserExtension implements BeforeAllCallback, BeforeEachCallback, AfterTestExecutionCallback,
        ParameterResolver {
    /** Where failed tests leave what their page looked like, under Maven's build directory. */
    public static final Path SCREENSHOTS = Path.of("target", "browser-screenshots");
    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(BrowserExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        if (Files.isExecutable(Browser.executable())) {
            // In the class's store, which JUnit closes (AutoCloseable) after the class's last test.
            context.getStore(NAMESPACE).getOrComputeIfAbsent(Browser.class, type -> Browser.launch(), Browser.class);
        }
    }

    /** Skips each test, not the class: Surefire reports a skipped class as no tests at all, without the reason. */
    @Override
    public void beforeEach(ExtensionContext context) {
        Path chromium = Browser.executable();
        assumeTrue(Files.isExecutable(chromium), () -> "browser test skipped: no Chromium at " + chromium
                + "; install it (sudo apt-get install chromium) or set CHROMIUM to its path");
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        Class<?> type = parameter.getParameter().getType();
        return type == Page.class || type == Browser.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        Browser browser = context.getStore(NAMESPACE).get(Browser.class, Browser.class);
        if (parameter.getParameter().getType() == Browser.class) {
            return browser;
        }
        if (context.getTestMethod().isEmpty()) {
            throw new ParameterResolutionException("a Page belongs to one test: take the Browser in @BeforeAll");
        }
        // In the test's own store: one page per test, however many parameters ask for it.
        return context.getStore(NAMESPACE).getOrComputeIfAbsent(Page.class, type -> browser.newPage(), Page.class);
    }

    /**
     * Checks the page for problems, takes a screenshot when anything went wrong, closes the
     * tab. Right after the test method, before its class's {@code @AfterEach} stops the
     * servers: a page still loading something then (its icon, after the load event) would
     * otherwise see a refused connection, and the test would fail at random.
     */
    @Override
    public void afterTestExecution(ExtensionContext context) {
        Page page = context.getStore(NAMESPACE).remove(Page.class, Page.class);
        if (page == null) {
            return;
        }
        try (page) {
            if (context.getExecutionException().isPresent() || !page.problems().isEmpty()) {
                screenshot(page, context);
            }
            // After a failed test JUnit adds this failure to the test's as suppressed: both are reported.
            page.assertNoProblems();
        }
    }

    private static void screenshot(Page page, ExtensionContext context) {
        Path file = SCREENSHOTS.resolve(context.getRequiredTestClass().getSimpleName() + "-"
                + context.getRequiredTestMethod().getName() + ".png");
        try {
            page.screenshot(file);
            context.publishReportEntry("screenshot", file.toAbsolutePath().toString());
            System.err.println("browser test failed; screenshot: " + file.toAbsolutePath());
        } catch (IOException | RuntimeException e) {
            // A crashed tab cannot be photographed; the test's own failure says more than this would.
            System.err.println("browser test failed; no screenshot: " + e.getMessage());
        }
    }
}
