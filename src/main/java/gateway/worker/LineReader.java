package gateway.worker;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Reads UTF-8 lines (ended by LF, CRLF or a lone CR, as in Server-Sent Events) from a
 * stream. It does what {@code BufferedReader} over an {@code InputStreamReader} does, with
 * a small buffer: that pair holds 24 KiB per open stream, which at thousands of streams
 * was most of the gateway's heap. The buffer grows only for a line longer than it.
 */
final class LineReader {
    private final InputStream in;
    private final byte[] input = new byte[1024];
    private int position;
    private int limit;
    private byte[] line = new byte[256];
    private boolean skipLineFeed; // the last line ended with CR: a LF right after it belongs to it

    LineReader(InputStream in) {
        this.in = in;
    }

    /** The next line without its end, or {@code null} when the stream ended. */
    String readLine() throws IOException {
        int length = 0;
        while (true) {
            if (position == limit && !fill()) {
                return length == 0 ? null : decode(length);
            }
            byte b = input[position++];
            if (skipLineFeed) {
                skipLineFeed = false;
                if (b == '\n') {
                    continue;
                }
            }
            if (b == '\n' || b == '\r') {
                skipLineFeed = b == '\r';
                return decode(length);
            }
            if (length == line.length) {
                line = Arrays.copyOf(line, length * 2);
            }
            line[length++] = b;
        }
    }

    private boolean fill() throws IOException {
        int read = in.read(input);
        position = 0;
        limit = Math.max(read, 0);
        return read > 0;
    }

    private String decode(int length) {
        return new String(line, 0, length, StandardCharsets.UTF_8);
    }
}
