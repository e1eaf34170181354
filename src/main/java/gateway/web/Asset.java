package gateway.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
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
        String digest = HexFormat.of().formatHex(sha256(bytes), 0, 12);
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

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }
}
