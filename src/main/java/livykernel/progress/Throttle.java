package livykernel.progress;

import java.util.function.LongSupplier;

/** Lets an action through at most once per interval (widget updates ≤ 4/s, text lines ≤ 1/s). Not thread-safe. */
final class Throttle {

    private final long intervalMillis;
    private final LongSupplier clockMillis;
    private long last = Long.MIN_VALUE;

    Throttle(long intervalMillis, LongSupplier clockMillis) {
        this.intervalMillis = intervalMillis;
        this.clockMillis = clockMillis;
    }

    /** True (and the interval restarts) when the last pass was at least one interval ago. */
    boolean tryPass() {
        long now = clockMillis.getAsLong();
        if (last != Long.MIN_VALUE && now - last < intervalMillis) {
            return false;
        }
        last = now;
        return true;
    }
}
