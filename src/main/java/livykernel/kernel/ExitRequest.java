package livykernel.kernel;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A cell that is only {@code exit} or {@code quit}, as ipykernel's exit autocall takes them:
 * bare, called, or called with {@code keep_kernel}. The front end is asked to exit (jupyter
 * console ends) rather than the words going to Livy, whose Python only prints how to leave it.
 */
final class ExitRequest {

    private static final Pattern EXIT = Pattern.compile(
            "(?:exit|quit)(?:\\s*\\(\\s*(?:(?:keep_kernel\\s*=\\s*)?(True|False|1|0)\\s*)?\\))?\\s*;?");

    private ExitRequest() {
    }

    /** {@code keepkernel} for a cell that asks to exit; empty for any other cell. */
    static Optional<Boolean> keepKernel(String code) {
        Matcher m = EXIT.matcher(code.strip());
        if (!m.matches()) {
            return Optional.empty();
        }
        String arg = m.group(1);
        return Optional.of("True".equals(arg) || "1".equals(arg));
    }
}
