package gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ExchangeTest {

    @Test
    void madeUpRequestIdsAreVersion4UuidsAndDoNotRepeat() {
        var seen = new HashSet<String>();
        for (int i = 0; i < 10_000; i++) {
            String id = Exchange.randomUuid();
            UUID uuid = UUID.fromString(id);
            assertEquals(4, uuid.version(), id);
            assertEquals(2, uuid.variant(), id);
            assertEquals(36, id.length());
            seen.add(id);
        }
        assertEquals(10_000, seen.size());
    }
}
