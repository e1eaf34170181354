package gateway.access;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class InFlightLimitTest {
    @Test
    void theHeapAllowsOneRequestPer128KiB() {
        assertEquals(2048, InFlightLimit.forHeap(256L << 20));
        assertEquals(8192, InFlightLimit.forHeap(1L << 30));
    }

    @Test
    void aTinyHeapStillServesAFewAndAHugeOneIsCapped() {
        assertEquals(16, InFlightLimit.forHeap(1 << 20));
        assertEquals(1_000_000, InFlightLimit.forHeap(1L << 50));
    }
}
