package gateway.browser;

import gateway.json.JsonObject;
import java.util.ArrayList;
import java.util.List;

/**
 * The keys the pages' shortcuts use, as {@link Page#press} sends them: with the DOM
 * {@code key} and {@code code}, the Windows virtual key code Chromium's input pipeline reads,
 * and the text a key types ({@code "\r"} for Enter, as a keyboard sends it). Add a key here
 * when a page needs one.
 */
public enum Key {
    ENTER("Enter", "Enter", 13, "\r", false),
    /** A newline in a text area instead of "send". */
    SHIFT_ENTER("Enter", "Enter", 13, "\r", true),
    ESCAPE("Escape", "Escape", 27, "", false),
    TAB("Tab", "Tab", 9, "", false),
    SHIFT_TAB("Tab", "Tab", 9, "", true);

    /** CDP's {@code modifiers} bit field: Alt 1, Ctrl 2, Meta 4, Shift 8. */
    private static final int SHIFT_BIT = 8;

    private final String key;
    private final String code;
    private final int windowsVirtualKeyCode;
    private final String text;
    private final boolean shift;

    Key(String key, String code, int windowsVirtualKeyCode, String text, boolean shift) {
        this.key = key;
        this.code = code;
        this.windowsVirtualKeyCode = windowsVirtualKeyCode;
        this.text = text;
        this.shift = shift;
    }

    /**
     * The {@code Input.dispatchKeyEvent} params a real keyboard produces, in order: Shift down
     * first when it is held, then the key down and up, then Shift up. A key that types text is
     * a {@code keyDown} (Chromium then also fires keypress and input); one that types nothing is
     * a {@code rawKeyDown}, as Puppeteer sends it, so that no empty character is typed.
     */
    List<JsonObject> events() {
        int modifiers = shift ? SHIFT_BIT : 0;
        var events = new ArrayList<JsonObject>();
        if (shift) {
            events.add(Cdp.params("type", "rawKeyDown", "key", "Shift", "code", "ShiftLeft",
                    "windowsVirtualKeyCode", 16, "modifiers", modifiers));
        }
        events.add(Cdp.params("type", text.isEmpty() ? "rawKeyDown" : "keyDown", "key", key, "code", code,
                "windowsVirtualKeyCode", windowsVirtualKeyCode, "text", text, "unmodifiedText", text,
                "modifiers", modifiers));
        events.add(Cdp.params("type", "keyUp", "key", key, "code", code,
                "windowsVirtualKeyCode", windowsVirtualKeyCode, "modifiers", modifiers));
        if (shift) {
            events.add(Cdp.params("type", "keyUp", "key", "Shift", "code", "ShiftLeft",
                    "windowsVirtualKeyCode", 16, "modifiers", 0));
        }
        return events;
    }
}
