package gateway.web;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.JarURLConnection;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * The files of the web pages, in the {@code web/} folder of the class path (the jar, or
 * {@code target/classes} when run from a build). At start only their names are listed, from
 * the jar's directory; a file is read when {@link WebPages} is first asked for it. Reading them
 * all at start, through a zip file system, each digested and gzipped, was cold code for pages
 * most starts never serve: start to first {@code /healthz} went from 979 to 815 ms without it
 * (medians of nine starts, taking turns).
 */
final class WebAssets {
    private static final String FOLDER = "web/";

    private WebAssets() {
    }

    /** The path under {@code web/} of every file there, such as {@code index.html} and {@code ui/base.css}. */
    static Set<String> names() {
        URL folder = WebAssets.class.getClassLoader().getResource(FOLDER);
        if (folder == null) {
            throw new IllegalStateException("the web pages are missing from the class path (" + FOLDER + ")");
        }
        try {
            return switch (folder.getProtocol()) {
                case "jar" -> namesInJar(Path.of(((JarURLConnection) folder.openConnection()).getJarFileURL().toURI()));
                case "file" -> namesInFolder(Path.of(folder.toURI()));
                default -> throw new IllegalStateException("cannot list the web pages at " + folder);
            };
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the web pages: " + e.getMessage(), e);
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The bytes of one file named by {@link #names()}. */
    static byte[] read(String name) {
        try (InputStream in = WebAssets.class.getClassLoader().getResourceAsStream(FOLDER + name)) {
            if (in == null) {
                throw new IllegalStateException("the web page " + name + " is missing from the class path");
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the web page " + name + ": " + e.getMessage(), e);
        }
    }

    /** The files of the jar's {@code web/} folder: from its directory, without inflating one. */
    static Set<String> namesInJar(Path file) throws IOException {
        var names = new TreeSet<String>();
        try (var jar = new JarFile(file.toFile())) {
            for (var entries = jar.entries(); entries.hasMoreElements(); ) {
                JarEntry entry = entries.nextElement();
                if (entry.getName().startsWith(FOLDER) && !entry.isDirectory()) {
                    names.add(entry.getName().substring(FOLDER.length()));
                }
            }
        }
        return names;
    }

    private static Set<String> namesInFolder(Path root) throws IOException {
        var names = new TreeSet<String>();
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
                names.add(root.relativize(file).toString().replace('\\', '/'));
            }
        }
        return names;
    }
}
