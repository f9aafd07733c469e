package livykernel.magics;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The parsed arguments of a magic's first line. Parsing is strict: an unknown flag, a flag
 * without its value or a stray word is a {@link MagicUsageException} naming the magic's real
 * flags, never silently ignored.
 */
public record MagicArgs(Map<String, String> values, List<String> positionals) {

    public MagicArgs {
        values = Map.copyOf(values);
        positionals = List.copyOf(positionals);
    }

    public static MagicArgs parse(Magic magic, String line) {
        List<String> tokens = tokenize(line);
        Map<String, String> values = new LinkedHashMap<>();
        List<String> positionals = new ArrayList<>();
        for (int i = 0; i < tokens.size(); i++) {
            String token = tokens.get(i);
            if (token.startsWith("-") && token.length() > 1 && !isNumber(token)) {
                String name = token;
                String inline = null;
                int eq = token.indexOf('=');
                if (token.startsWith("--") && eq > 0) {
                    name = token.substring(0, eq);
                    inline = token.substring(eq + 1);
                }
                Flag flag = find(magic, name);
                if (flag.takesValue()) {
                    if (inline == null) {
                        if (i + 1 >= tokens.size()) {
                            throw new MagicUsageException("%%" + magic.name() + ": " + name + " needs a value ("
                                    + flag.usage() + ").");
                        }
                        inline = tokens.get(++i);
                    }
                    values.put(flag.key(), inline);
                } else {
                    if (inline != null) {
                        throw new MagicUsageException("%%" + magic.name() + ": " + name + " takes no value.");
                    }
                    values.put(flag.key(), "true");
                }
            } else {
                positionals.add(token);
            }
        }
        if (positionals.size() > magic.maxPositionals()) {
            throw new MagicUsageException("%%" + magic.name() + ": unexpected argument '"
                    + positionals.get(magic.maxPositionals()) + "'. " + usage(magic));
        }
        return new MagicArgs(values, positionals);
    }

    private static Flag find(Magic magic, String name) {
        for (Flag f : magic.flags()) {
            if (f.matches(name)) {
                return f;
            }
        }
        throw new MagicUsageException("%%" + magic.name() + " has no flag " + name + ". " + usage(magic));
    }

    static String usage(Magic magic) {
        if (magic.flags().isEmpty()) {
            return "It takes no flags.";
        }
        return "Its flags are: " + magic.flags().stream().map(Flag::usage).collect(Collectors.joining("; ")) + ".";
    }

    private static boolean isNumber(String s) {
        try {
            Double.parseDouble(s);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** Splits like a shell: whitespace separates, single or double quotes group, backslash escapes in double quotes. */
    static List<String> tokenize(String line) {
        List<String> out = new ArrayList<>();
        StringBuilder cur = new StringBuilder();
        boolean inToken = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else if (c == '\\' && quote == '"' && i + 1 < line.length()) {
                    cur.append(line.charAt(++i));
                } else {
                    cur.append(c);
                }
            } else if (c == '"' || c == '\'') {
                quote = c;
                inToken = true;
            } else if (Character.isWhitespace(c)) {
                if (inToken) {
                    out.add(cur.toString());
                    cur.setLength(0);
                    inToken = false;
                }
            } else {
                cur.append(c);
                inToken = true;
            }
        }
        if (quote != 0) {
            throw new MagicUsageException("Unclosed " + quote + " quote in the magic's arguments.");
        }
        if (inToken) {
            out.add(cur.toString());
        }
        return out;
    }

    public boolean has(String key) {
        return values.containsKey(key);
    }

    public String value(String key) {
        return values.get(key);
    }

    public int intValue(String magic, String key, int dflt) {
        String v = values.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            throw new MagicUsageException("%%" + magic + ": --" + key + " must be a whole number, not '" + v + "'.");
        }
    }

    public double doubleValue(String magic, String key, double dflt) {
        String v = values.get(key);
        if (v == null) {
            return dflt;
        }
        try {
            return Double.parseDouble(v.trim());
        } catch (NumberFormatException e) {
            throw new MagicUsageException("%%" + magic + ": --" + key + " must be a number, not '" + v + "'.");
        }
    }
}
