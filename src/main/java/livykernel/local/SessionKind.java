package livykernel.local;

import java.util.Locale;

/** Livy's code kinds; the local endpoint runs {@code pyspark} and {@code sql}. */
public enum SessionKind {
    SPARK, PYSPARK, SPARKR, SQL, SHARED;

    /** Livy's names and aliases; an unknown name gives Livy's 400 "Invalid kind" bare string. */
    public static SessionKind parse(String name) {
        String n = name == null ? "" : name.toLowerCase(Locale.ROOT);
        return switch (n) {
            case "spark", "scala" -> SPARK;
            case "pyspark", "python" -> PYSPARK;
            case "sparkr", "r" -> SPARKR;
            case "sql" -> SQL;
            case "shared" -> SHARED;
            default -> throw HttpError.bare(400, "Invalid kind: " + name);
        };
    }

    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Whether this endpoint can run code of this kind. */
    public boolean runnable() {
        return this == PYSPARK || this == SQL;
    }
}
