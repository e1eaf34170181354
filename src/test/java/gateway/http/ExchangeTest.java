package gateway.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ExchangeTest {

    @Test
    void madeUpRequestIdsAreVersion4UuidsAndDoNotRepeat() {
        var seen = new HashSet<String>();
        for (int i = 0; i < 10_000; i++) {
            String id = RequestId.randomUuid();
            UUID uuid = UUID.fromString(id);
            assertEquals(4, uuid.version(), id);
            assertEquals(2, uuid.variant(), id);
            assertEquals(36, id.length());
            seen.add(id);
        }
        assertEquals(10_000, seen.size());
    }

    @ParameterizedTest
    @CsvSource({"0, 0.000", "7, 0.007", "42, 0.042", "999, 0.999", "1000, 1.000", "1234, 1.234", "61050, 61.050"})
    void overheadMillisHaveThreeDecimals(long micros, String text) {
        assertEquals(text, Exchange.millis(micros));
    }
}
