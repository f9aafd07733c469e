package livykernel.magics;

/**
 * One flag of a magic: a short and/or long spelling, a value name (null for a switch) and the
 * help line. {@code key} is how the magic asks for it: the long name without dashes if there
 * is one, else the short one.
 */
public record Flag(String shortName, String longName, String valueName, String help) {

    public Flag {
        if (shortName == null && longName == null) {
            throw new IllegalArgumentException("a flag needs a name");
        }
    }

    public static Flag toggle(String shortName, String longName, String help) {
        return new Flag(shortName, longName, null, help);
    }

    public static Flag value(String shortName, String longName, String valueName, String help) {
        return new Flag(shortName, longName, valueName, help);
    }

    public boolean takesValue() {
        return valueName != null;
    }

    public String key() {
        return longName != null ? longName.replaceFirst("^-+", "") : shortName.replaceFirst("^-+", "");
    }

    public boolean matches(String token) {
        return token.equals(shortName) || token.equals(longName);
    }

    /** "-n N, --maxrows N" as shown in help and errors. */
    public String usage() {
        String v = valueName == null ? "" : " " + valueName;
        if (shortName != null && longName != null) {
            return shortName + v + ", " + longName + v;
        }
        return (shortName != null ? shortName : longName) + v;
    }
}
