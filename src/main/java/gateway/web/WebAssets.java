package gateway.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystemAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * The files of the web pages, read once from the {@code web/} folder of the class path
 * (the jar, or {@code target/classes} when run from a build) and kept in memory: all of
 * them weigh less than 200 KB, so every answer is a copy from memory, gzipped once.
 */
final class WebAssets {
    private static final String FOLDER = "web";

    private WebAssets() {
    }

    /** Every file under {@code web/}, by its path there ({@code index.html}, {@code ui/base.css}). */
    static Map<String, Asset> load() {
        URL folder = WebAssets.class.getClassLoader().getResource(FOLDER);
        if (folder == null) {
            throw new IllegalStateException("the web pages are missing from the class path (" + FOLDER + "/)");
        }
        try {
            URI uri = folder.toURI();
            if (!"jar".equals(uri.getScheme())) {
                return read(Path.of(uri));
            }
            try (FileSystem jar = openJar(uri)) {
                return read(jar.getPath("/" + FOLDER));
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the web pages: " + e.getMessage(), e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static FileSystem openJar(URI uri) throws IOException {
        try {
            return FileSystems.newFileSystem(uri, Map.of());
        } catch (FileSystemAlreadyExistsException e) {
            // Opened by someone else in this JVM: read it through a second one of our own.
            return FileSystems.newFileSystem(Path.of(URI.create(uri.getSchemeSpecificPart().split("!")[0])));
        }
    }

    private static Map<String, Asset> read(Path root) throws IOException {
        var assets = new TreeMap<String, Asset>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                String name = root.relativize(file).toString().replace('\\', '/');
                assets.put(name, Asset.of(name, Files.readAllBytes(file)));
            }
        }
        return assets;
    }
}
