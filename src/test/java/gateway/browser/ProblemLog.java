package gateway.browser;

import java.util.ArrayList;
import java.util.List;

/**
 * The problems one page has caused so far, read from its session's events as they arrive
 * (on the WebSocket's thread, hence the lock) and read back by the test. Each read first makes
 * a round trip to the page: events arrive in order, so every event sent before the answer has
 * been recorded by then.
 */
final class ProblemLog implements AutoCloseable {
    private final List<Problem> problems = new ArrayList<>();
    private final Cdp cdp;
    private final String sessionId;
    private final Runnable stopListening;
    /** The page's own origin: requests elsewhere are problems. Set before each navigation. */
    private volatile String origin = "about:blank";

    ProblemLog(Cdp cdp, String sessionId) {
        this.cdp = cdp;
        this.sessionId = sessionId;
        stopListening = cdp.onEvent(event -> {
            if (sessionId.equals(event.sessionId())) {
                Problem.of(event, origin).ifPresent(this::add);
            }
        });
    }

    void expectOrigin(String url) {
        origin = Problem.originOf(url);
    }

    List<Problem> all() {
        awaitEventsSoFar();
        synchronized (this) {
            return List.copyOf(problems);
        }
    }

    List<Problem> take() {
        awaitEventsSoFar();
        synchronized (this) {
            var taken = List.copyOf(problems);
            problems.clear();
            return taken;
        }
    }

    /** Fails, listing them, when there are problems. */
    void assertNone() {
        List<Problem> found = all();
        if (!found.isEmpty()) {
            throw new AssertionError(found.size() + " problem(s) on the page (a test that expects them takes them"
                    + " with page.takeProblems()):\n  " + String.join("\n  ", found.stream().map(Problem::toString).toList()));
        }
    }

    private void awaitEventsSoFar() {
        try {
            cdp.call("Runtime.evaluate", Cdp.params("expression", "0"), sessionId);
        } catch (BrowserException e) {
            // The page is gone: what it reported before is all there is.
        }
    }

    private synchronized void add(Problem problem) {
        problems.add(problem);
    }

    @Override
    public void close() {
        stopListening.run();
    }
}
