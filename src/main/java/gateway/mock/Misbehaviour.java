package gateway.mock;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Rolls the dice for the faults {@link MockOptions.Faults} asks for, one roll per fault
 * and request, so that faults are independent of one another.
 */
final class Misbehaviour {
    private final MockOptions.Faults faults;
    private final Duration firstByteDelay;

    Misbehaviour(MockOptions.Faults faults, MockOptions.Pacing pacing) {
        this.faults = faults;
        this.firstByteDelay = pacing.firstByteDelay();
    }

    /**
     * The pause before a reply's first byte: the fixed delay, plus a slow reply's random
     * one. Both come before the request takes a slot: they stand for a slow network or
     * proxy, not for a busy model.
     */
    void delayFirstByte() {
        Engine.pause(firstByteDelay);
        if (chance(faults.slowRate())) {
            long min = faults.slowMin().toMillis();
            Engine.pause(Duration.ofMillis(ThreadLocalRandom.current().nextLong(min, faults.slowMax().toMillis() + 1)));
        }
    }

    boolean fails() {
        return chance(faults.errorRate());
    }

    boolean rateLimits() {
        return chance(faults.rateLimitRate());
    }

    boolean cutsStream() {
        return chance(faults.cutRate());
    }

    boolean garblesStream() {
        return chance(faults.garbageRate());
    }

    private static boolean chance(double rate) {
        return rate > 0 && ThreadLocalRandom.current().nextDouble() < rate;
    }
}
