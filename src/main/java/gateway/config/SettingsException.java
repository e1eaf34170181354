package gateway.config;

/**
 * A setting that cannot be used, with a message that names the key, the value and what
 * was expected ({@code PORT=abc: expected an integer 0..65535}). The gateway does not
 * start with such a setting: {@link Main} prints the message and exits with status 2.
 */
public final class SettingsException extends RuntimeException {
    public SettingsException(String message) {
        super(message);
    }
}
