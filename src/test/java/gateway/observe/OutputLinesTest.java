package gateway.observe;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class OutputLinesTest {
    @Test
    void writesEachLineInUtf8WithItsLineBreak() {
        var out = new ByteArrayOutputStream();
        var lines = new OutputLines(out);
        lines.accept("{\"model\":\"mödel\",\"key\":\"ünïcode 😀\"}");
        assertArrayEquals("{\"model\":\"mödel\",\"key\":\"ünïcode 😀\"}\n".getBytes(StandardCharsets.UTF_8),
                out.toByteArray(), "UTF-8 whatever stdout.encoding says");
    }

    @Test
    void linesFromManyThreadsComeOutWholeInOneWriteEach() throws Exception {
        var writes = new java.util.ArrayList<String>();
        var lines = new OutputLines(new OutputStream() {
            @Override
            public void write(int b) {
                throw new AssertionError("a line is written in one call, not byte by byte");
            }

            @Override
            public void write(byte[] b, int off, int len) {
                writes.add(new String(b, off, len, StandardCharsets.UTF_8)); // under the sink's lock
            }
        });
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int t = 0; t < 8; t++) {
                int thread = t;
                threads.submit(() -> {
                    for (int i = 0; i < 500; i++) {
                        lines.accept("thread-" + thread + "-line-" + i);
                    }
                });
            }
        }
        assertEquals(4000, writes.size());
        var distinct = new HashSet<String>(writes);
        assertEquals(4000, distinct.size(), "no line lost, none written twice");
        assertEquals(List.of(), writes.stream().filter(w -> !w.matches("thread-\\d-line-\\d+\n")).toList());
    }

    @Test
    void aClosedStreamDropsLinesButNeverThrows() {
        var lines = new OutputLines(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }
        });
        lines.accept("one");
        lines.accept("two");
        assertEquals(2, lines.dropped());
    }
}
