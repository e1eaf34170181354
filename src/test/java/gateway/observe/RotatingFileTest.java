package gateway.observe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RotatingFileTest {
    @TempDir
    Path dir;

    @Test
    void rotatesAtTheSizeLimitAndKeepsTheNewestFiles() throws IOException {
        Path log = dir.resolve("logs/gateway.log");
        try (var file = new RotatingFile(log, 20, 2)) {
            for (int i = 1; i <= 7; i++) {
                file.accept("line-" + i + "-xxx"); // 11 bytes with its newline: one file holds one line
            }
        }
        assertEquals(List.of("line-7-xxx"), Files.readAllLines(log));
        assertEquals(List.of("line-6-xxx"), Files.readAllLines(dir.resolve("logs/gateway.log.1")));
        assertEquals(List.of("line-5-xxx"), Files.readAllLines(dir.resolve("logs/gateway.log.2")));
        assertFalse(Files.exists(dir.resolve("logs/gateway.log.3")), "only LOG_MAX_FILES old files are kept");
    }

    @Test
    void appendsToAnExistingFile() throws IOException {
        Path log = dir.resolve("gateway.log");
        Files.writeString(log, "before\n");
        try (var file = new RotatingFile(log, 1000, 1)) {
            file.accept("after");
        }
        assertEquals(List.of("before", "after"), Files.readAllLines(log));
    }

    @Test
    void aFailingDiskDropsLinesButNeverThrows() throws IOException {
        Path notAFile = Files.createDirectory(dir.resolve("in-the-way"));
        try (var file = new RotatingFile(notAFile, 1000, 1)) {
            file.accept("one");
            file.accept("two");
            assertEquals(2, file.dropped());
        }
    }
}
