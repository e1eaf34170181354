package gateway.route;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class SessionsTest {
    @Test
    void aSessionIsForgottenAfterItsIdleTimeAndUsingItKeepsItAlive() {
        var now = new AtomicLong();
        var sessions = new Sessions(Duration.ofSeconds(600), now::get);
        Backend a = BalancerTest.backend("a", 1, 1);
        sessions.bind("s", a);
        now.addAndGet(Duration.ofSeconds(500).toNanos());
        assertEquals(a, sessions.backendOf("s"));
        sessions.bind("s", a); // used again
        now.addAndGet(Duration.ofSeconds(500).toNanos());
        assertEquals(a, sessions.backendOf("s"), "idle for 500 s only");
        now.addAndGet(Duration.ofSeconds(601).toNanos());
        assertNull(sessions.backendOf("s"));
        assertEquals(0, sessions.size());
    }

    @Test
    void offWhenTheTimeIsZeroAndBoundedInNumber() {
        Backend a = BalancerTest.backend("a", 1, 1);
        var off = new Sessions(Duration.ZERO, System::nanoTime);
        off.bind("s", a);
        assertNull(off.backendOf("s"));
        var sessions = new Sessions(Duration.ofMinutes(1), System::nanoTime);
        for (int i = 0; i < Sessions.MAX_SESSIONS + 10; i++) {
            sessions.bind("s" + i, a);
        }
        assertEquals(Sessions.MAX_SESSIONS, sessions.size());
        assertNull(sessions.backendOf("s0"), "the least recently used went first");
    }
}
