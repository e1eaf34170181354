package gateway.access;

/**
 * A token bucket: holds up to {@code capacity} tokens and refills continuously at
 * {@code capacity} per minute. Taking fails when too few are left; charging never fails
 * and may leave the level below zero (usage known only after the fact is still paid).
 * Times are nanosecond readings of the limiter's clock.
 */
final class TokenBucket {
    private final double capacity;
    private final double refillPerNano;
    private double level;
    private long updated;

    TokenBucket(double capacity, double perMinute, long now) {
        this.capacity = capacity;
        this.refillPerNano = perMinute / 60e9;
        this.level = capacity;
        this.updated = now;
    }

    synchronized boolean tryTake(double amount, long now) {
        refill(now);
        if (level < amount) {
            return false;
        }
        level -= amount;
        return true;
    }

    synchronized void charge(double amount, long now) {
        refill(now);
        level -= amount;
    }

    /** Whole tokens left, never below zero. */
    synchronized long remaining(long now) {
        refill(now);
        return (long) Math.max(0, Math.floor(level));
    }

    /** Nanoseconds until {@code amount} tokens are there. */
    synchronized long nanosUntil(double amount, long now) {
        refill(now);
        return level >= amount ? 0 : (long) Math.ceil((amount - level) / refillPerNano);
    }

    /** Nanoseconds until the bucket is full again: OpenAI's "reset" time. */
    synchronized long nanosUntilFull(long now) {
        return nanosUntil(capacity, now);
    }

    private void refill(long now) {
        level = Math.min(capacity, level + (now - updated) * refillPerNano);
        updated = now;
    }
}
