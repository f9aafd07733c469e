package livykernel.display;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/**
 * The Python that defines {@code display()} and {@code displayHTML()} in a session, and the frame
 * its bundles travel in through Livy's text/plain: {@link #START}, base64 of the UTF-8 JSON
 * {@code {"data": {mime: value}, "metadata": {…}}}, {@link #END}, a newline.
 */
public final class SessionDisplay {

    /** Control characters no printed text carries by accident, so a frame is never mistaken for output. */
    public static final String START = "\u001elivy-kernel-display:";
    /**
     * End of text, not the unit separator: Livy's REPL strips trailing whitespace from the output, and
     * Python counts U+001C to U+001F as whitespace, so a frame that ended the cell would lose its end.
     */
    public static final char END = '\u0003';
    /** How many rows of a Spark DataFrame display() shows unless told {@code limit=}. */
    public static final int DEFAULT_MAX_ROWS = 20;
    /** The largest bundle shown; a larger one is dropped with a note (images of whole plots fit easily). */
    public static final int DEFAULT_MAX_BYTES = 5 * 1024 * 1024;

    private SessionDisplay() {
    }

    /**
     * The hidden statement that installs the helpers; it prints nothing and leaves {@code _} alone.
     * With {@code richResults} the cell's last expression, when it has a rich form, is sent as a
     * result frame ({@code "result": true}) instead of Livy's repr.
     */
    public static String installCode(int maxRows, int maxBytes, boolean richResults) {
        try (InputStream in = SessionDisplay.class.getResourceAsStream("session_display.py")) {
            if (in == null) {
                throw new IllegalStateException("session_display.py is missing from the kernel's jar");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8)
                    .replace("%MAX_ROWS%", Integer.toString(maxRows))
                    .replace("%MAX_BYTES%", Integer.toString(maxBytes))
                    .replace("%RICH_RESULTS%", richResults ? "True" : "False");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String installCode(boolean richResults) {
        return installCode(DEFAULT_MAX_ROWS, DEFAULT_MAX_BYTES, richResults);
    }
}
