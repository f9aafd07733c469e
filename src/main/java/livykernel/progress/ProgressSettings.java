package livykernel.progress;

/**
 * The kernel's current progress mode, shared by the progress display and the %%progress magic,
 * and the Spark history server where one is configured (read by the display and %%info).
 */
public final class ProgressSettings {

    private volatile ProgressMode mode;
    private final SparkHistory history;

    public ProgressSettings(ProgressMode initial) {
        this(initial, null);
    }

    /** {@code history}: null when no history server is configured. */
    public ProgressSettings(ProgressMode initial, SparkHistory history) {
        this.mode = initial;
        this.history = history;
    }

    public ProgressMode mode() {
        return mode;
    }

    public void setMode(ProgressMode mode) {
        this.mode = mode;
    }

    /** The Spark history server, or null. */
    public SparkHistory history() {
        return history;
    }
}
