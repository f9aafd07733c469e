package livykernel.wire;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;

/**
 * Reads the top level of a JSON object into strings (numbers and booleans as their text, null as
 * null; nested objects and arrays are checked and skipped). Only for the connection file: reading
 * it through Jackson initialised the whole library before the kernel could bind its sockets
 * (about 40 ms of the start), and the file is a flat object of strings and numbers.
 */
final class FlatJson {

    private final String s;
    private int i;

    private FlatJson(String s) {
        this.s = s;
    }

    /** The object's members; IOException (saying what) for anything that is not one JSON object. */
    static Map<String, String> parse(String json) throws IOException {
        FlatJson p = new FlatJson(json);
        p.space();
        if (p.i >= json.length() || json.charAt(p.i) != '{') {
            throw new IOException("the connection file is not a JSON object");
        }
        Map<String, String> out = new HashMap<>();
        p.sequence('}', out);
        p.space();
        if (p.i != json.length()) {
            throw p.error("text after the object");
        }
        return out;
    }

    /**
     * At '{' or '[': the members (name: value) or elements up to {@code close}; the members go into
     * {@code out} when it is not null (nested values are only checked).
     */
    private void sequence(char close, Map<String, String> out) throws IOException {
        boolean named = close == '}';
        i++;
        space();
        if (peek() == close) {
            i++;
            return;
        }
        while (true) {
            space();
            String name = null;
            if (named) {
                if (peek() != '"') {
                    throw error("a member name");
                }
                name = string();
                space();
                expect(':');
                space();
            }
            String value = value();
            if (out != null) {
                out.put(name, value);
            }
            space();
            char c = next();
            if (c == close) {
                return;
            }
            if (c != ',') {
                throw error("',' or '" + close + "'");
            }
        }
    }

    /** One value: its text for a scalar, null for null and for a nested object or array. */
    private String value() throws IOException {
        char c = peek();
        if (c == '"') {
            return string();
        }
        if (c == '{' || c == '[') {
            sequence(c == '{' ? '}' : ']', null);
            return null;
        }
        int start = i;
        while (i < s.length() && "+-.0123456789eEtruefalsn".indexOf(s.charAt(i)) >= 0) {
            i++;
        }
        String word = s.substring(start, i);
        if (word.equals("null")) {
            return null;
        }
        // Ports, the usual case, are checked without loading java.util.regex.
        if (word.equals("true") || word.equals("false") || plainInteger(word)
                || word.matches("-?(0|[1-9]\\d*)(\\.\\d+)?([eE][+-]?\\d+)?")) {
            return word;
        }
        throw error("a value");
    }

    private static boolean plainInteger(String w) {
        int start = w.startsWith("-") ? 1 : 0;
        if (w.length() == start || (w.charAt(start) == '0' && w.length() > start + 1)) {
            return false;
        }
        for (int k = start; k < w.length(); k++) {
            if (w.charAt(k) < '0' || w.charAt(k) > '9') {
                return false;
            }
        }
        return true;
    }

    private String string() throws IOException {
        i++;
        StringBuilder b = new StringBuilder();
        while (true) {
            char c = next();
            if (c == '"') {
                return b.toString();
            }
            if (c < 0x20) {
                throw error("a closing '\"'");
            }
            if (c != '\\') {
                b.append(c);
                continue;
            }
            char e = next();
            switch (e) {
                case '"', '\\', '/' -> b.append(e);
                case 'b' -> b.append('\b');
                case 'f' -> b.append('\f');
                case 'n' -> b.append('\n');
                case 'r' -> b.append('\r');
                case 't' -> b.append('\t');
                case 'u' -> {
                    if (i + 4 > s.length()) {
                        throw error("four hex digits");
                    }
                    try {
                        b.append((char) Integer.parseInt(s.substring(i, i + 4), 16));
                    } catch (NumberFormatException x) {
                        throw error("four hex digits");
                    }
                    i += 4;
                }
                default -> throw error("an escape");
            }
        }
    }

    private void space() {
        while (i < s.length() && " \t\r\n".indexOf(s.charAt(i)) >= 0) {
            i++;
        }
    }

    private char peek() throws IOException {
        if (i >= s.length()) {
            throw error("more");
        }
        return s.charAt(i);
    }

    private char next() throws IOException {
        char c = peek();
        i++;
        return c;
    }

    private void expect(char c) throws IOException {
        if (next() != c) {
            i--;
            throw error("'" + c + "'");
        }
    }

    private IOException error(String expected) {
        return new IOException("the connection file is not valid JSON: expected " + expected + " at character " + i);
    }
}
