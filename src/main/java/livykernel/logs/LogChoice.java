package livykernel.logs;

/** Which archived log of a session to show: Livy's server log, the driver's container, one executor's, or all of them. */
public record LogChoice(Source source, int executor) {

    public enum Source { LIVY, DRIVER, EXECUTOR, ALL }

    public static LogChoice all() {
        return new LogChoice(Source.ALL, 0);
    }

    boolean wantsLivy() {
        return source == Source.LIVY || source == Source.ALL;
    }

    boolean wantsContainers() {
        return source != Source.LIVY;
    }
}
