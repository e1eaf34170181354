package gateway.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.HexFormat;
import java.util.zip.CRC32;
import java.util.zip.GZIPOutputStream;

/**
 * One file of the web pages, held in memory as it is and gzipped, each with its own
 * strong {@code ETag} (two encodings of a file are two representations, so they must not
 * share one).
 *
 * @param gzipped {@code null} when gzip would not make it smaller
 */
record Asset(String name, String contentType, byte[] plain, String plainTag, byte[] gzipped, String gzipTag) {

    static Asset of(String name, byte[] bytes) {
        String digest = tag(bytes);
        byte[] gzipped = gzip(bytes);
        boolean worthIt = gzipped.length < bytes.length;
        return new Asset(name, contentType(name), bytes, "\"" + digest + "\"",
                worthIt ? gzipped : null, worthIt ? "\"" + digest + "-gz\"" : null);
    }

    static String contentType(String name) {
        String extension = name.substring(name.lastIndexOf('.') + 1);
        return switch (extension) {
            case "html" -> "text/html; charset=utf-8";
            case "css" -> "text/css; charset=utf-8";
            case "js" -> "text/javascript; charset=utf-8";
            case "json" -> "application/json";
            case "svg" -> "image/svg+xml";
            case "png" -> "image/png";
            case "ico" -> "image/x-icon";
            default -> "application/octet-stream";
        };
    }

    private static byte[] gzip(byte[] bytes) {
        var out = new ByteArrayOutputStream(bytes.length / 3 + 64);
        try (var gzip = new GZIPOutputStream(out)) {
            gzip.write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // in memory: cannot happen
        }
        return out.toByteArray();
    }

    /**
     * The tag of these bytes: their CRC-32 and their length, in 24 hex digits. A strong tag
     * must change whenever the bytes do; a changed file of the same length keeps its CRC-32
     * once in 2^32. A SHA-256 would do as well, but a file is tagged on its first request, and
     * a JVM's first {@code MessageDigest} loads the security providers: the first page took
     * 36 ms with it, 11 with this (medians of ten starts; 2 when all were read at start).
     */
    static String tag(byte[] bytes) {
        var crc = new CRC32();
        crc.update(bytes);
        return HexFormat.of().toHexDigits((int) crc.getValue()) + HexFormat.of().toHexDigits((long) bytes.length);
    }
}
