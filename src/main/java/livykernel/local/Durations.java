package livykernel.local;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses Livy-style time strings ("500ms", "30s", "2m", "1h", "1d"; a bare number is seconds). */
public final class Durations {
    private static final Pattern TIME = Pattern.compile("(-?\\d+)\\s*(ms|s|sec|m|min|h|d)?");

    private Durations() {
    }

    /** Returns the duration, or throws IllegalArgumentException with Livy's "Invalid time string" text. */
    public static Duration parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("Invalid time string: null");
        }
        Matcher m = TIME.matcher(text.trim().toLowerCase(Locale.ROOT));
        if (!m.matches()) {
            throw new IllegalArgumentException("Invalid time string: " + text);
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        return switch (unit) {
            case "ms" -> Duration.ofMillis(n);
            case "s", "sec" -> Duration.ofSeconds(n);
            case "m", "min" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> throw new IllegalArgumentException("Invalid time string: " + text);
        };
    }

    /** Short human form used in printed banners, e.g. "90s". */
    public static String format(Duration d) {
        long ms = d.toMillis();
        if (ms % 1000 != 0) {
            return ms + "ms";
        }
        return (ms / 1000) + "s";
    }
}
