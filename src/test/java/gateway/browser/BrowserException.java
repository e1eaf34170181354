package gateway.browser;

/**
 * Something the browser refused or reported: a DevTools command that failed or timed out,
 * a script that threw in the page, a page that would not load. The message says which.
 */
public final class BrowserException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public BrowserException(String message) {
        super(message);
    }

    public BrowserException(String message, Throwable cause) {
        super(message, cause);
    }
}
