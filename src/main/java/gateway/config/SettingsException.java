package gateway.config;

/**
 * A setting that cannot be used, with a message that names the key, the value and what
 * was expected ({@code PORT=abc: expected an integer 0..65535}). The gateway does not
 * start with such a setting: its command line prints the message and exits with status 2.
 *
 * @serial exclude
 */
public final class SettingsException extends RuntimeException {
    /**
     * A setting that cannot be used.
     *
     * @param message the key, the value, and what was expected
     */
    public SettingsException(String message) {
        super(message);
    }
}
