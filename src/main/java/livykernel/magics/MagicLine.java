package livykernel.magics;

/**
 * The magic on the first line of a cell: {@code %%name args} (cell magic) or {@code %name args}
 * (line magic), with the rest of the cell as the body. Leading blank lines are skipped.
 */
public record MagicLine(boolean cellMagic, String name, String args, String body) {

    /** Null when the cell does not start with a magic. */
    public static MagicLine parse(String code) {
        String text = code.stripLeading();
        if (!text.startsWith("%")) {
            return null;
        }
        int nl = text.indexOf('\n');
        String first = (nl < 0 ? text : text.substring(0, nl)).stripTrailing();
        String body = nl < 0 ? "" : text.substring(nl + 1);
        boolean cell = first.startsWith("%%");
        String rest = first.substring(cell ? 2 : 1);
        int end = 0;
        while (end < rest.length() && !Character.isWhitespace(rest.charAt(end))) {
            end++;
        }
        return new MagicLine(cell, rest.substring(0, end), rest.substring(end).strip(), body);
    }

    /** "%%name" or "%name", as the user wrote it. */
    public String spelled() {
        return (cellMagic ? "%%" : "%") + name;
    }
}
