package gateway.http;

import com.sun.net.httpserver.Headers;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/** The id that names a request in its answer, the log and the backend call. */
final class RequestId {
    /** Longest client-sent request id kept; longer ones are replaced, not truncated. */
    static final int MAX_LENGTH = 128;

    private RequestId() {
    }

    /**
     * The client's {@code X-Request-ID} (or {@code Request-Id}) when it is a sane token,
     * else a new UUID. Only visible ASCII is kept, so an id can never inject a header.
     */
    static String of(Headers headers) {
        for (String header : new String[] {"X-Request-ID", "Request-Id"}) {
            String id = headers.getFirst(header);
            if (id != null && isSane(id.strip())) {
                return id.strip();
            }
        }
        return randomUuid();
    }

    /**
     * A version 4 UUID. An id must be unique, not unguessable, so it comes from
     * {@link ThreadLocalRandom}: {@code UUID.randomUUID()} reads {@code /dev/urandom}
     * under a global lock on every request.
     */
    static String randomUuid() {
        var random = ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L; // version 4
        long low = (random.nextLong() & ~(0xC000L << 48)) | (0x8000L << 48); // IETF variant
        return new UUID(high, low).toString();
    }

    private static boolean isSane(String id) {
        return !id.isEmpty() && id.length() <= MAX_LENGTH && id.chars().allMatch(c -> c > 0x20 && c < 0x7f);
    }
}
