package livykernel.kernel;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Set;

/**
 * Decides is_complete for Python source without a Python interpreter: a small tokenizer that
 * tracks brackets, strings, comments, line continuations and block structure.
 * <ul>
 *   <li>open bracket, open triple-quoted string, trailing backslash → incomplete</li>
 *   <li>last logical line ends with {@code :} (or is a decorator) → incomplete, one level deeper</li>
 *   <li>last logical line is indented (inside a block) → incomplete until a blank line ends the cell</li>
 *   <li>a single-quoted string not closed on its line, an unmatched closing bracket, text after a
 *       line-continuation backslash, a keyword used as an assignment target, or a number glued to
 *       a name ({@code 7q}) → invalid</li>
 *   <li>a {@code %%} cell magic is incomplete until it ends with a blank line, as in IPython
 *       (the body can span lines); {@code %} and {@code !} lines are opaque single lines</li>
 * </ul>
 */
final class IsComplete {

    /** {@code indent} is non-null only for "incomplete". */
    record Verdict(String status, String indent) {
        static final Verdict COMPLETE = new Verdict("complete", null);
        static final Verdict INVALID = new Verdict("invalid", null);

        static Verdict incomplete(String indent) {
            return new Verdict("incomplete", indent);
        }
    }

    private static final String BLOCK_INDENT = "    ";

    private static final Set<String> HARD_KEYWORDS = Set.of("False", "None", "True", "and", "as", "assert",
            "async", "await", "break", "class", "continue", "def", "del", "elif", "else", "except", "finally",
            "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "pass",
            "raise", "return", "try", "while", "with", "yield");

    // Keywords Python still accepts glued to a number literal, e.g. "1if x else 2".
    private static final Set<String> NUMBER_SUFFIX_KEYWORDS = Set.of("and", "or", "if", "else", "in", "is",
            "not", "for");

    private static final Set<String> STRING_PREFIXES = Set.of("r", "u", "b", "f", "br", "rb", "fr", "rf");

    private IsComplete() {
    }

    static Verdict check(String code) {
        String s = code.replace("\r\n", "\n").replace('\r', '\n');
        if (s.isBlank()) {
            return Verdict.COMPLETE;
        }
        String lastLine = s.substring(s.lastIndexOf('\n') + 1);
        boolean endsWithBlankLine = s.indexOf('\n') >= 0 && lastLine.isBlank();
        if (s.stripLeading().startsWith("%%")) {
            return endsWithBlankLine ? Verdict.COMPLETE : Verdict.incomplete(leadingWhitespace(lastLine));
        }
        return new Scanner(s, lastLine, endsWithBlankLine).scan();
    }

    private static String leadingWhitespace(String line) {
        int j = 0;
        while (j < line.length() && (line.charAt(j) == ' ' || line.charAt(j) == '\t' || line.charAt(j) == '\f')) {
            j++;
        }
        return line.substring(0, j);
    }

    /** One pass over the source; {@link #scan} returns as soon as the verdict is known. */
    private static final class Scanner {
        private final String s;
        private final int n;
        private final String lastLine;
        private final boolean endsWithBlankLine;
        private final Deque<Character> brackets = new ArrayDeque<>();
        private int i;
        // The logical line being read (or the last one, once newLogical is true again).
        private boolean newLogical = true;
        private String logicalIndent = "";
        private char logicalFirst;
        private char lastSignificant;
        private boolean sawLogical;

        Scanner(String s, String lastLine, boolean endsWithBlankLine) {
            this.s = s;
            this.n = s.length();
            this.lastLine = lastLine;
            this.endsWithBlankLine = endsWithBlankLine;
        }

        Verdict scan() {
            while (i < n) {
                if (newLogical) {
                    startLogicalLine();
                    continue;
                }
                char c = s.charAt(i);
                Verdict early = step(c);
                if (early != null) {
                    return early;
                }
            }
            return atEnd();
        }

        /** Skips blank and comment-only lines; notes the indentation of a real line. */
        private void startLogicalLine() {
            int j = i;
            while (j < n && (s.charAt(j) == ' ' || s.charAt(j) == '\t' || s.charAt(j) == '\f')) {
                j++;
            }
            if (j == n || s.charAt(j) == '\n' || s.charAt(j) == '#') {
                i = skipToEndOfLine(j);
                if (i < n) {
                    i++;
                }
                return;
            }
            logicalIndent = s.substring(i, j);
            logicalFirst = s.charAt(j);
            lastSignificant = 0;
            newLogical = false;
            sawLogical = true;
            i = j;
            if (logicalFirst == '%' || logicalFirst == '!') {
                // IPython line magic or shell escape: not Python, treat as one opaque statement.
                i = skipToEndOfLine(i);
                lastSignificant = 'm';
            }
        }

        private Verdict step(char c) {
            if (c == '#') {
                i = skipToEndOfLine(i);
            } else if (c == '\\') {
                if (i + 1 < n && s.charAt(i + 1) == '\n') {
                    i += 2;
                    if (s.substring(i).isBlank()) {
                        return Verdict.incomplete(logicalIndent);
                    }
                } else if (i + 1 == n) {
                    return Verdict.incomplete(logicalIndent);
                } else {
                    return Verdict.INVALID; // nothing may follow a line-continuation backslash
                }
            } else if (c == '\'' || c == '"') {
                return string();
            } else if (c == '(' || c == '[' || c == '{') {
                brackets.push(c);
                lastSignificant = c;
                i++;
            } else if (c == ')' || c == ']' || c == '}') {
                if (brackets.isEmpty() || brackets.pop() != opening(c)) {
                    return Verdict.INVALID;
                }
                lastSignificant = c;
                i++;
            } else if (c == '\n') {
                i++;
                if (brackets.isEmpty()) {
                    newLogical = true;
                }
            } else if (Character.isDigit(c)) {
                return number();
            } else if (isNameStart(c)) {
                return name();
            } else {
                if (!Character.isWhitespace(c)) {
                    lastSignificant = c;
                }
                i++;
            }
            return null;
        }

        private Verdict string() {
            char q = s.charAt(i);
            boolean triple = s.startsWith(String.valueOf(q).repeat(3), i);
            int j = i + (triple ? 3 : 1);
            while (j < n) {
                char c = s.charAt(j);
                if (c == '\\') {
                    j += 2; // an escaped character, including an escaped newline
                    continue;
                }
                if (triple) {
                    if (s.startsWith(String.valueOf(q).repeat(3), j)) {
                        i = j + 3;
                        lastSignificant = q;
                        return null;
                    }
                } else if (c == q) {
                    i = j + 1;
                    lastSignificant = q;
                    return null;
                } else if (c == '\n') {
                    return Verdict.INVALID;
                }
                j++;
            }
            // Ran off the end: a triple-quoted string may continue, a single-quoted one may not.
            return triple ? Verdict.incomplete(leadingWhitespace(lastLine)) : Verdict.INVALID;
        }

        private Verdict number() {
            int j = i;
            if (s.charAt(j) == '0' && j + 1 < n && "xXoObB".indexOf(s.charAt(j + 1)) >= 0) {
                j += 2;
                while (j < n && (Character.digit(s.charAt(j), 16) >= 0 || s.charAt(j) == '_')) {
                    j++;
                }
            } else {
                while (j < n && (Character.isDigit(s.charAt(j)) || s.charAt(j) == '_' || s.charAt(j) == '.')) {
                    j++;
                }
                if (j < n && (s.charAt(j) == 'e' || s.charAt(j) == 'E')) {
                    int k = j + 1;
                    if (k < n && (s.charAt(k) == '+' || s.charAt(k) == '-')) {
                        k++;
                    }
                    if (k < n && Character.isDigit(s.charAt(k))) {
                        j = k;
                        while (j < n && (Character.isDigit(s.charAt(j)) || s.charAt(j) == '_')) {
                            j++;
                        }
                    }
                }
                if (j < n && (s.charAt(j) == 'j' || s.charAt(j) == 'J')) {
                    j++;
                }
            }
            lastSignificant = s.charAt(j - 1);
            if (j < n && isNamePart(s.charAt(j))) {
                int k = j;
                while (k < n && isNamePart(s.charAt(k))) {
                    k++;
                }
                if (!NUMBER_SUFFIX_KEYWORDS.contains(s.substring(j, k))) {
                    return Verdict.INVALID; // e.g. "7q"
                }
            }
            i = j;
            return null;
        }

        private Verdict name() {
            int j = i;
            while (j < n && isNamePart(s.charAt(j))) {
                j++;
            }
            String word = s.substring(i, j);
            if (j < n && (s.charAt(j) == '\'' || s.charAt(j) == '"')
                    && STRING_PREFIXES.contains(word.toLowerCase(java.util.Locale.ROOT))) {
                i = j;
                return string();
            }
            if (HARD_KEYWORDS.contains(word) && brackets.isEmpty()) {
                int k = j;
                while (k < n && (s.charAt(k) == ' ' || s.charAt(k) == '\t')) {
                    k++;
                }
                if (k < n && s.charAt(k) == '=' && (k + 1 >= n || s.charAt(k + 1) != '=')) {
                    return Verdict.INVALID; // e.g. "raise = 2"
                }
            }
            lastSignificant = s.charAt(j - 1);
            i = j;
            return null;
        }

        private Verdict atEnd() {
            if (!brackets.isEmpty()) {
                return Verdict.incomplete(leadingWhitespace(lastLine));
            }
            if (!sawLogical) {
                return Verdict.COMPLETE; // only comments
            }
            if (lastSignificant == ':') {
                return Verdict.incomplete(logicalIndent + BLOCK_INDENT);
            }
            if (logicalFirst == '@') {
                return Verdict.incomplete(logicalIndent); // a decorator needs its def
            }
            if (endsWithBlankLine) {
                return Verdict.COMPLETE;
            }
            if (!logicalIndent.isEmpty()) {
                return Verdict.incomplete(logicalIndent); // still inside a block
            }
            return Verdict.COMPLETE;
        }

        private int skipToEndOfLine(int from) {
            int nl = s.indexOf('\n', from);
            return nl < 0 ? n : nl;
        }

        private static char opening(char closing) {
            return closing == ')' ? '(' : closing == ']' ? '[' : '{';
        }

        private static boolean isNameStart(char c) {
            return c == '_' || Character.isLetter(c);
        }

        private static boolean isNamePart(char c) {
            return c == '_' || Character.isLetterOrDigit(c);
        }
    }
}
