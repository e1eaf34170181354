package gateway.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import gateway.Gateway;
import java.io.IOException;
import java.io.OutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pages are listed at start and each file is read, tagged and gzipped on its first request, once. */
class LazyWebPagesTest {

    @Test
    void aFileReadOnItsFirstRequestIsTheSameOnTheNext() throws IOException {
        Asset expected = Asset.of("ui/api.js", WebAssets.read("ui/api.js"));
        try (Gateway fresh = WebPagesTest.start(Map.of())) {
            for (String encoding : List.of("identity", "gzip")) {
                var first = WebPagesTest.get(fresh, "/ui/api.js", "Accept-Encoding", encoding);
                var second = WebPagesTest.get(fresh, "/ui/api.js", "Accept-Encoding", encoding);
                assertEquals(200, first.statusCode());
                assertEquals(tag(first), tag(second), encoding);
                assertArrayEquals(first.body(), second.body(), encoding);
            }
            assertEquals(expected.plainTag(), tag(WebPagesTest.get(fresh, "/ui/api.js")));
            assertEquals(expected.gzipTag(), tag(WebPagesTest.get(fresh, "/ui/api.js", "Accept-Encoding", "gzip")));
        }
    }

    @Test
    void manyFirstRequestsAtOnceGetOneFile() throws Exception {
        try (Gateway fresh = WebPagesTest.start(Map.of()); var clients = Executors.newVirtualThreadPerTaskExecutor()) {
            var answers = new ArrayList<Future<HttpResponse<byte[]>>>();
            for (int i = 0; i < 16; i++) {
                Callable<HttpResponse<byte[]>> get = () -> WebPagesTest.get(fresh, "/ui/base.css", "Accept-Encoding", "gzip");
                answers.add(clients.submit(get));
            }
            var first = answers.getFirst().get();
            for (var answer : answers) {
                assertEquals(200, answer.get().statusCode());
                assertEquals(tag(first), tag(answer.get()));
                assertArrayEquals(first.body(), answer.get().body());
            }
        }
    }

    @Test
    void eachFileIsReadOnceAndOnlyFilesOfTheListAreLookedUp() {
        WebPages pages = WebPages.load();
        assertSame(pages.find("index.html"), pages.find("index.html"));
        assertNull(pages.find("ui/missing.js"));
        assertNull(pages.find("ui/../index.html"), "a name outside the list is never handed to the class loader");
    }

    @Test
    void aTagChangesWithTheBytes() {
        byte[] text = "body { color: black }".getBytes(StandardCharsets.UTF_8);
        byte[] edited = "body { color: white }".getBytes(StandardCharsets.UTF_8);
        assertTrue(Asset.tag(text).matches("[0-9a-f]{24}"), Asset.tag(text));
        assertEquals(Asset.tag(text), Asset.tag(text.clone()));
        assertNotEquals(Asset.tag(text), Asset.tag(edited));
        assertNotEquals(Asset.tag(text), Asset.tag((new String(text, StandardCharsets.UTF_8) + "\n").getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theNamesInAJarAreItsFilesUnderWeb(@TempDir Path folder) throws IOException {
        Path jar = folder.resolve("pages.jar");
        try (var out = new JarOutputStream(Files.newOutputStream(jar))) {
            for (String name : List.of("web/", "web/index.html", "web/ui/", "web/ui/app.js", "gateway/Main.class", "webby.txt")) {
                out.putNextEntry(new JarEntry(name));
                if (!name.endsWith("/")) {
                    write(out, name);
                }
                out.closeEntry();
            }
        }
        assertEquals(Set.of("index.html", "ui/app.js"), WebAssets.namesInJar(jar));
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String tag(HttpResponse<?> answer) {
        return answer.headers().firstValue("ETag").orElseThrow();
    }
}
