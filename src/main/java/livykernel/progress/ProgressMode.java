package livykernel.progress;

import java.util.Locale;

/** How Spark job progress is shown while a cell runs; {@code %%progress} switches it. */
public enum ProgressMode {
    /** Widget where the front end can render one, with a text line as its fallback. */
    ON,
    /** Text only (consoles, logs). */
    TEXT,
    /** Widget only. */
    WIDGET,
    /** Nothing, and no polling of Spark at all. */
    OFF;

    /** Parses "on", "off", "text" or "widget" (any case); null when it is none of them. */
    public static ProgressMode parse(String s) {
        try {
            return s == null ? null : valueOf(s.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
