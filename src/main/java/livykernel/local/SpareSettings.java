package livykernel.local;

import java.nio.file.Path;
import java.time.Duration;

/**
 * The warm spare driver's settings.
 *
 * @param enabled     keep one spare driver started with the default configuration
 * @param handoffFile where a spare left running for a restarted kernel is recorded (next to the
 *                    connection file, which jupyter_client reuses on restart); null: never left running
 * @param lease       how long a spare left running waits for a kernel to adopt it before it exits by itself
 * @param quietBefore how long every session must have been idle before a spare is started, so that
 *                    its Spark start does not compete with cells (a Run All) for the CPU
 */
public record SpareSettings(boolean enabled, Path handoffFile, Duration lease, Duration quietBefore) {
    public static final Duration DEFAULT_LEASE = Duration.ofSeconds(90);
    public static final SpareSettings OFF = new SpareSettings(false, null, DEFAULT_LEASE, Duration.ofSeconds(2));

    public SpareSettings {
        if (lease == null || lease.isNegative() || lease.isZero()) {
            lease = DEFAULT_LEASE;
        }
        if (quietBefore == null || quietBefore.isNegative()) {
            quietBefore = Duration.ofSeconds(2);
        }
    }

    public SpareSettings on(Path handoff) {
        return new SpareSettings(true, handoff, lease, quietBefore);
    }

    public SpareSettings withLease(Duration v) {
        return new SpareSettings(enabled, handoffFile, v, quietBefore);
    }
}
