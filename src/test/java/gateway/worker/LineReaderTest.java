package gateway.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LineReaderTest {

    @Test
    void endsLinesAtLfCrLfAndALoneCrLikeServerSentEvents() throws IOException {
        assertEquals(List.of("a", "b", "", "c", "d", "", "e"), lines("a\nb\r\n\r\nc\rd\r\re", 1024));
    }

    @Test
    void aLastLineWithoutItsEndIsStillALine() throws IOException {
        assertEquals(List.of("data: x"), lines("data: x", 1024));
        assertEquals(List.of(), lines("", 1024));
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 2, 3, 7, 1000})
    void readsTheSameWhateverSizeTheReadsAre(int readSize) throws IOException {
        String longLine = "data: " + "é€😀x".repeat(2000); // longer than both buffers, multi-byte characters
        assertEquals(List.of(longLine, "", "data: [DONE]", ""), lines(longLine + "\r\n\r\ndata: [DONE]\r\n\r\n", readSize));
    }

    /** The lines of {@code text}, delivered at most {@code readSize} bytes per read, as a socket might. */
    private static List<String> lines(String text, int readSize) throws IOException {
        InputStream in = new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)) {
            @Override
            public synchronized int read(byte[] b, int off, int len) {
                return super.read(b, off, Math.min(len, readSize));
            }
        };
        var reader = new LineReader(in);
        var lines = new ArrayList<String>();
        for (String line; (line = reader.readLine()) != null; ) {
            lines.add(line);
        }
        return lines;
    }
}
