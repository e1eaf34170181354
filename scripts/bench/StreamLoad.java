import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

/**
 * The benchmark's streaming client: opens {@code streams} streaming chat requests at once,
 * each on its own connection and virtual thread, and times every frame as it arrives.
 *
 * <p>The mock backend is started with the reply {@code "0 1 2 ... N-1"}, so frame {@code i}
 * carries the content {@code i}: a frame that is missing or out of order is detected.
 * A raw socket (rather than {@code HttpClient}) keeps the client's own cost per frame
 * small, because it shares two cores with the servers it measures.
 */
final class StreamLoad {

    /**
     * What the streams saw. Times are in nanoseconds and sorted, ready for percentiles.
     *
     * @param firstFrame from the start of a stream (before connecting) to its frame 0
     * @param gaps       between consecutive numbered frames of one stream
     */
    record Result(int streams, int completed, int overloaded, long lost, long reordered, List<String> failures,
                  long[] firstFrame, long[] gaps) {
        String failureSummary() {
            return summary(failures);
        }
    }

    /** "4 failed: status 504 ×3, SocketTimeoutException ×1": how many failed, grouped by what happened. */
    static String summary(List<String> failures) {
        Map<String, Long> kinds = failures.stream().collect(Collectors.groupingBy(StreamLoad::kind, LinkedHashMap::new,
                Collectors.counting()));
        return failures.size() + " failed: " + kinds.entrySet().stream()
                .map(kind -> kind.getKey() + " ×" + kind.getValue()).collect(Collectors.joining(", "));
    }

    /** A failure's kind, without the text after it: "status 504", "SocketTimeoutException", "error frame". */
    private static String kind(String failure) {
        int colon = failure.indexOf(':');
        return colon < 0 ? failure : failure.substring(0, colon);
    }

    private final InetSocketAddress address;
    private final byte[] request;
    private final int frames;
    private final Duration timeout;

    StreamLoad(URI chatUrl, String apiKey, int frames, Duration timeout) {
        this.address = new InetSocketAddress(chatUrl.getHost(), chatUrl.getPort());
        this.frames = frames;
        this.timeout = timeout;
        String body = "{\"model\":\"mock-model\",\"stream\":true,"
                + "\"messages\":[{\"role\":\"user\",\"content\":\"count\"}]}";
        this.request = ("POST " + chatUrl.getPath() + " HTTP/1.1\r\n"
                + "Host: " + chatUrl.getHost() + ":" + chatUrl.getPort() + "\r\n"
                + "Authorization: Bearer " + apiKey + "\r\n"
                + "Content-Type: application/json\r\n"
                + "Accept: text/event-stream\r\n"
                + "Connection: close\r\n"
                + "Content-Length: " + body.length() + "\r\n\r\n" + body).getBytes(StandardCharsets.US_ASCII);
    }

    /** Runs {@code streams} streams at once and waits for all of them (each bounded by the timeout). */
    Result run(int streams) throws InterruptedException {
        return start(streams).finish();
    }

    /** Starts {@code streams} streams at once and returns at once: see {@link Running}. */
    Running start(int streams) {
        return new Running(streams);
    }

    /**
     * Streams under way. Each stream settles once: when its frame 0 arrives (it is open) or,
     * if that never happens, when it ends. So {@link #awaitOpen} can wait until every stream
     * has either opened or given up, and never waits out its deadline for streams that failed.
     */
    final class Running {
        private final Outcome[] outcomes;
        private final Thread[] threads;
        private final CountDownLatch settled;
        /** Streams that have their frame 0 and have not ended: open at this moment. */
        private final AtomicInteger openNow = new AtomicInteger();

        private Running(int streams) {
            outcomes = new Outcome[streams];
            threads = new Thread[streams];
            settled = new CountDownLatch(streams);
            for (int i = 0; i < streams; i++) {
                int index = i;
                threads[i] = Thread.ofVirtual().start(() -> outcomes[index] = stream(this));
            }
        }

        /**
         * Waits until every stream has opened or ended, for at most {@code timeout}, and
         * returns how many are open now: all of them on a calm machine, fewer when some
         * were refused or failed, or when the first ones ended before the last ones opened.
         */
        int awaitOpen(Duration timeout) throws InterruptedException {
            settled.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
            return openNow.get();
        }

        /** Streams open at this moment. */
        int openNow() {
            return openNow.get();
        }

        /** Waits for every stream to end (each bounded by the timeout) and sums them up. */
        Result finish() throws InterruptedException {
            for (Thread thread : threads) {
                thread.join();
            }
            return summarize(outcomes);
        }

        private void opened() {
            openNow.incrementAndGet();
            settled.countDown();
        }

        private void ended(boolean wasOpen) {
            if (wasOpen) {
                openNow.decrementAndGet();
            } else {
                settled.countDown();
            }
        }
    }

    /** One stream's frames: arrival times of frames 0..N-1 (0 when not seen) and how it ended. */
    private static final class Outcome {
        long start;
        final long[] arrivals;
        long lost;
        long reordered;
        boolean done;
        boolean overloaded;
        String failure;

        Outcome(int frames) {
            arrivals = new long[frames];
        }
    }

    private Outcome stream(Running run) {
        var outcome = new Outcome(frames);
        outcome.start = System.nanoTime();
        try (var socket = new Socket()) {
            socket.connect(address, (int) timeout.toMillis());
            socket.setSoTimeout((int) timeout.toMillis());
            socket.setTcpNoDelay(true);
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            readFrames(new ResponseReader(socket.getInputStream()), outcome, run);
        } catch (IOException | RuntimeException e) {
            outcome.failure = e.getClass().getSimpleName() + ": " + e.getMessage();
        } finally {
            run.ended(outcome.arrivals[0] != 0);
        }
        return outcome;
    }

    private void readFrames(ResponseReader response, Outcome outcome, Running run) throws IOException {
        int status = response.readHead();
        if (status == 503) {
            outcome.overloaded = true; // turned away at once, as it should be when the gateway is full
            return;
        }
        if (status != 200) {
            outcome.failure = "status " + status + ": " + response.bodyLine();
            return;
        }
        int expected = 0;
        for (String line; (line = response.bodyLine()) != null; ) {
            if (!line.startsWith("data: ")) {
                continue; // blank separators and ": keep-alive" comments
            }
            if (line.equals("data: [DONE]")) {
                outcome.done = true;
                break;
            }
            if (line.startsWith("data: {\"error\"")) {
                outcome.failure = "error frame: " + line;
                return;
            }
            int number = frameNumber(line);
            if (number < 0) {
                continue; // a frame without numbered content: the last one, or usage
            }
            if (number < expected || number >= frames) {
                outcome.reordered++;
                continue;
            }
            outcome.arrivals[number] = System.nanoTime();
            if (number == 0) {
                run.opened();
            }
            expected = number + 1;
        }
        if (!outcome.done) {
            outcome.failure = "the stream ended without [DONE]";
            return; // a failed stream, counted as such; its missing frames are not "lost"
        }
        for (long arrival : outcome.arrivals) {
            if (arrival == 0) {
                outcome.lost++; // the stream said it was complete without them
            }
        }
    }

    /** The number in {@code "content":"7"} or {@code "content":" 7"}; -1 when there is none. */
    static int frameNumber(String line) {
        int at = line.indexOf("\"content\":\"");
        if (at < 0) {
            return -1;
        }
        int i = at + "\"content\":\"".length();
        while (i < line.length() && line.charAt(i) == ' ') {
            i++;
        }
        int number = -1;
        while (i < line.length() && Character.isDigit(line.charAt(i))) {
            number = Math.max(number, 0) * 10 + (line.charAt(i++) - '0');
        }
        return number;
    }

    private Result summarize(Outcome[] outcomes) {
        var firstFrames = new long[outcomes.length];
        var gaps = new long[outcomes.length * (frames - 1)];
        int firstCount = 0;
        int gapCount = 0;
        int completed = 0;
        int overloaded = 0;
        long lost = 0;
        long reordered = 0;
        List<String> failures = new ArrayList<>();
        for (Outcome outcome : outcomes) {
            lost += outcome.lost;
            reordered += outcome.reordered;
            if (outcome.overloaded) {
                overloaded++;
                continue;
            }
            if (outcome.failure != null) {
                failures.add(outcome.failure);
            } else if (outcome.done && outcome.lost == 0 && outcome.reordered == 0) {
                completed++;
            }
            if (outcome.arrivals[0] != 0) {
                firstFrames[firstCount++] = outcome.arrivals[0] - outcome.start;
            }
            for (int i = 1; i < frames; i++) {
                if (outcome.arrivals[i] != 0 && outcome.arrivals[i - 1] != 0) {
                    gaps[gapCount++] = outcome.arrivals[i] - outcome.arrivals[i - 1];
                }
            }
        }
        long[] first = Arrays.copyOf(firstFrames, firstCount);
        long[] gap = Arrays.copyOf(gaps, gapCount);
        Arrays.sort(first);
        Arrays.sort(gap);
        return new Result(outcomes.length, completed, overloaded, lost, reordered, failures, first, gap);
    }

    /**
     * Reads an HTTP/1.1 response from a socket with its own buffer (no locks, unlike
     * {@code BufferedInputStream}): the head, then the body line by line, decoding
     * {@code Transfer-Encoding: chunked} on the way.
     */
    static final class ResponseReader {
        private final InputStream in;
        private final byte[] buffer = new byte[16 * 1024];
        private int position;
        private int limit;
        private boolean chunked;
        private long chunkLeft; // bytes left in the current chunk; -1 after the last chunk
        private final StringBuilder line = new StringBuilder();

        ResponseReader(InputStream in) {
            this.in = in;
        }

        /** Reads the status line and headers; returns the status code. */
        int readHead() throws IOException {
            String statusLine = rawLine();
            if (statusLine == null || !statusLine.startsWith("HTTP/1.1 ")) {
                throw new IOException("not an HTTP/1.1 response: " + statusLine);
            }
            for (String header; (header = rawLine()) != null && !header.isEmpty(); ) {
                if (header.regionMatches(true, 0, "transfer-encoding:", 0, 18)
                        && header.toLowerCase().contains("chunked")) {
                    chunked = true;
                }
            }
            return Integer.parseInt(statusLine.substring(9, 12));
        }

        /** The body's next line without its line end, or {@code null} at the end of the body. */
        String bodyLine() throws IOException {
            line.setLength(0);
            for (int b; (b = bodyByte()) >= 0; ) {
                if (b == '\n') {
                    return line.toString();
                }
                if (b != '\r') {
                    line.append((char) b); // frames here are ASCII; JSON escapes the rest
                }
            }
            return line.isEmpty() ? null : line.toString();
        }

        private int bodyByte() throws IOException {
            if (!chunked) {
                return rawByte();
            }
            if (chunkLeft == 0) {
                String size = rawLine();
                if (size != null && size.isEmpty()) {
                    size = rawLine(); // the line end that closes the previous chunk
                }
                if (size == null) {
                    return -1;
                }
                int extension = size.indexOf(';');
                chunkLeft = Long.parseLong(extension < 0 ? size.trim() : size.substring(0, extension).trim(), 16);
                if (chunkLeft == 0) {
                    chunkLeft = -1;
                }
            }
            if (chunkLeft < 0) {
                return -1;
            }
            chunkLeft--;
            return rawByte();
        }

        private String rawLine() throws IOException {
            var raw = new StringBuilder();
            for (int b; (b = rawByte()) >= 0; ) {
                if (b == '\n') {
                    return raw.toString();
                }
                if (b != '\r') {
                    raw.append((char) b);
                }
            }
            return raw.isEmpty() ? null : raw.toString();
        }

        private int rawByte() throws IOException {
            if (position == limit) {
                limit = in.read(buffer);
                position = 0;
                if (limit <= 0) {
                    limit = 0;
                    return -1;
                }
            }
            return buffer[position++] & 0xFF;
        }
    }
}
