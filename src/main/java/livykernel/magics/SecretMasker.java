package livykernel.magics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Hides secrets before anything is shown: values under keys that look like passwords, tokens or
 * keys (at any depth), and passwords embedded in URLs ({@code https://user:pw@host}).
 */
public final class SecretMasker {

    public static final String MASK = "********";
    private static final List<String> SECRET_WORDS = List.of("password", "passwd", "pwd", "secret", "token",
            "credential", "apikey", "api_key", "api-key", "accesskey", "access.key", "access_key", "privatekey",
            "private.key", "private_key", "authorization", "cookie", "signature", "sessionkey", "session.key");
    private static final Pattern URL_PASSWORD = Pattern.compile("(?i)(\\b[a-z][a-z0-9+.-]*://[^/\\s:@]+:)([^/\\s@]+)@");

    private SecretMasker() {
    }

    public static boolean isSecretKey(String key) {
        String k = key.toLowerCase(Locale.ROOT);
        if (SECRET_WORDS.stream().anyMatch(k::contains)) {
            return true;
        }
        // "fs.s3a.secret.key", "spark.ssl.keyPassword", "aws.key": a trailing "key" names a key.
        return k.equals("key") || k.endsWith(".key") || k.endsWith("_key") || k.endsWith("-key")
                || k.endsWith("keypassword");
    }

    /** A copy of {@code map} with secret values replaced by {@link #MASK}, nested maps included. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> mask(Map<String, ?> map) {
        Map<String, Object> out = new LinkedHashMap<>();
        map.forEach((k, v) -> {
            if (v != null && isSecretKey(k)) {
                out.put(k, MASK);
            } else if (v instanceof Map<?, ?> m) {
                out.put(k, mask((Map<String, ?>) m));
            } else if (v instanceof String s) {
                out.put(k, maskUrl(s));
            } else {
                out.put(k, v);
            }
        });
        return out;
    }

    public static String maskUrl(String text) {
        return text == null ? null : URL_PASSWORD.matcher(text).replaceAll("$1" + MASK + "@");
    }
}
