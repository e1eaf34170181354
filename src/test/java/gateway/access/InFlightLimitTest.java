package gateway.access;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class InFlightLimitTest {
    @Test
    void theHeapAllowsOneRequestPer76KiB() {
        assertEquals(5066, InFlightLimit.forHeap(376L << 20));
        assertEquals(13797, InFlightLimit.forHeap(1L << 30));
    }

    @Test
    void aTinyHeapStillServesAFewAndAHugeOneIsCapped() {
        assertEquals(16, InFlightLimit.forHeap(1 << 20));
        assertEquals(1_000_000, InFlightLimit.forHeap(1L << 50));
    }
}
