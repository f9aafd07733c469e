package livykernel.livy.auth;

import okhttp3.Response;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The cookies a host set on answers to authenticated requests (Hadoop's signed {@code hadoop.auth}
 * token), per host, to be sent back instead of a new Kerberos token. Values are bearer secrets:
 * kept in memory only and never logged.
 */
final class AuthCookies {

    private final Map<String, Map<String, String>> byHost = new ConcurrentHashMap<>();

    /** The {@code Cookie} header for {@code host}, or null when it set none. */
    String header(String host) {
        Map<String, String> c = byHost.get(host);
        if (c == null) {
            return null;
        }
        synchronized (c) {
            if (c.isEmpty()) {
                return null;
            }
            StringBuilder b = new StringBuilder();
            c.forEach((k, v) -> b.append(b.length() == 0 ? "" : "; ").append(k).append('=').append(v));
            return b.toString();
        }
    }

    /** Takes the {@code Set-Cookie} headers of {@code r}; an empty or {@code Max-Age=0} one removes its cookie. */
    Response remember(String host, Response r) {
        for (String set : r.headers("Set-Cookie")) {
            String pair = set.split(";", 2)[0].trim();
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String name = pair.substring(0, eq).trim();
            String value = pair.substring(eq + 1).trim();
            boolean removed = value.isEmpty() || set.toLowerCase(java.util.Locale.ROOT).replace(" ", "").contains("max-age=0");
            Map<String, String> c = byHost.computeIfAbsent(host, h -> new LinkedHashMap<>());
            synchronized (c) {
                if (removed) {
                    c.remove(name);
                } else {
                    // sent back as it came, quotes and all, as browsers do
                    c.put(name, value);
                }
            }
        }
        return r;
    }

    void forget(String host) {
        byHost.remove(host);
    }
}
