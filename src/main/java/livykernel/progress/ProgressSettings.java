package livykernel.progress;

/** The kernel's current progress mode, shared by the progress display and the %%progress magic. */
public final class ProgressSettings {

    private volatile ProgressMode mode;

    public ProgressSettings(ProgressMode initial) {
        this.mode = initial;
    }

    public ProgressMode mode() {
        return mode;
    }

    public void setMode(ProgressMode mode) {
        this.mode = mode;
    }
}
