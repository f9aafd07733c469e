package livykernel.local;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Maps Livy's REST routes onto the {@link SessionRegistry}, with Livy's status codes and bodies. */
final class LivyRoutes implements HttpHandler {
    private static final Logger LOG = LoggerFactory.getLogger(LivyRoutes.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String VERSION = "0.8.0-livy-kernel-local";
    /**
     * Held statement GETs: {@code GET /sessions/N/statements/M?waitForChangeMs=MS} answers when
     * the statement's state changes, its progress moves (at most twice a second), or MS (at most
     * this) passes. Advertised on every response in
     * {@link #WAIT_HEADER}, so a client sends the parameter only to an endpoint that said so.
     */
    static final long WAIT_MAX_MILLIS = 60_000;
    static final String WAIT_HEADER = "X-Livy-Kernel-Wait-For-Change-Max-Ms";
    static final String WAIT_PARAM = "waitForChangeMs";

    private final SessionRegistry registry;

    LivyRoutes(SessionRegistry registry) {
        this.registry = registry;
    }

    /** A response: status, JSON body (null = empty) and an optional Location header. */
    private record Response(int status, Object body, String location) {
        static Response ok(Object body) {
            return new Response(200, body, null);
        }
    }

    @Override
    public void handle(HttpExchange ex) throws IOException {
        Response r;
        try {
            r = route(ex);
        } catch (HttpError e) {
            r = new Response(e.status(), e.body(), null);
        } catch (RuntimeException e) {
            LOG.warn("{} {} failed", ex.getRequestMethod(), ex.getRequestURI().getPath(), e);
            r = new Response(500, e.toString(), null);
        }
        send(ex, r);
    }

    private Response route(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        String[] p = segments(ex.getRequestURI().getRawPath());
        Map<String, String> q = query(ex.getRequestURI().getRawQuery());
        if (p.length == 1 && p[0].equals("version")) {
            return method.equals("GET") ? Response.ok(version()) : methodNotAllowed();
        }
        if (p.length == 0 || !p[0].equals("sessions")) {
            return new Response(404, Map.of("msg", "Not found: " + ex.getRequestURI().getPath()), null);
        }
        if (p.length == 1) {
            return switch (method) {
                case "GET" -> listSessions(q);
                case "POST" -> createSession(ex);
                default -> methodNotAllowed();
            };
        }
        LocalSession s = registry.get(p[1]);
        s.heartbeat(); // any request routed to one session counts as a heartbeat (livy-rest.md §3.4)
        if (p.length == 2) {
            return switch (method) {
                case "GET" -> Response.ok(s.toJson());
                case "DELETE" -> {
                    registry.delete(s, "deleted by request");
                    yield Response.ok(Map.of("msg", "deleted"));
                }
                default -> methodNotAllowed();
            };
        }
        String action = p[2];
        if (p.length == 3) {
            switch (action + " " + method) {
                case "state GET":
                    return Response.ok(orderedMap("id", s.id, "state", s.state()));
                case "log GET":
                    return log(s, q);
                case "connect POST":
                    s.recordActivity();
                    return Response.ok(s.toJson());
                case "statements GET":
                    return Response.ok(s.statements(intParam(q, "from", 0), q.containsKey("size")
                            ? intParam(q, "size", -1) : null, "desc".equalsIgnoreCase(q.get("order"))));
                case "statements POST": {
                    LivyRequests.Statement body = LivyRequests.parse(readBody(ex), LivyRequests.Statement.class);
                    LocalStatement.Json st = s.submit(body);
                    return new Response(201, st, "/sessions/" + s.id + "/statements/" + st.id());
                }
                case "completion POST": {
                    LivyRequests.Completion body = LivyRequests.parse(readBody(ex), LivyRequests.Completion.class);
                    return Response.ok(Map.of("candidates", s.complete(body)));
                }
                default:
                    return knownSessionAction(action) ? methodNotAllowed() : notFound(ex);
            }
        }
        if (action.equals("statements") && (p.length == 4 || p.length == 5 && p[4].equals("cancel"))) {
            int sid = statementId(p[3]);
            if (p.length == 4) {
                if (!method.equals("GET")) {
                    return methodNotAllowed();
                }
                long wait = Math.min(WAIT_MAX_MILLIS, Math.max(0, intParam(q, WAIT_PARAM, 0)));
                if (wait > 0) {
                    s.awaitStatementChange(sid, wait);
                    s.heartbeat(); // the client was here all along
                }
                return Response.ok(s.statement(sid));
            }
            if (!method.equals("POST")) {
                return methodNotAllowed();
            }
            s.cancel(sid);
            return Response.ok(Map.of("msg", "canceled"));
        }
        return notFound(ex);
    }

    private static boolean knownSessionAction(String action) {
        return List.of("state", "log", "connect", "statements", "completion").contains(action);
    }

    private Response listSessions(Map<String, String> q) {
        List<LocalSession> all = registry.list();
        int from = Math.min(Math.max(0, intParam(q, "from", 0)), all.size());
        int size = intParam(q, "size", 100);
        int end = size < 0 ? all.size() : (int) Math.min((long) from + size, all.size());
        return Response.ok(orderedMap("from", from, "total", all.size(),
                "sessions", all.subList(from, end).stream().map(LocalSession::toJson).toList()));
    }

    private Response createSession(HttpExchange ex) throws IOException {
        LivyRequests.CreateSession body = LivyRequests.parse(readBody(ex), LivyRequests.CreateSession.class);
        String owner = ex.getPrincipal() == null ? null : ex.getPrincipal().getUsername();
        LocalSession s = registry.create(body, owner);
        return new Response(201, s.toJson(), "/sessions/" + s.id);
    }

    private static Response log(LocalSession s, Map<String, String> q) {
        Integer from = q.containsKey("from") ? intParam(q, "from", 0) : null;
        LogBuffer.Page page = s.log().page(from, intParam(q, "size", 100));
        return Response.ok(orderedMap("id", s.id, "from", page.from(), "total", page.total(), "log", page.lines()));
    }

    private static Map<String, Object> version() {
        return orderedMap("version", VERSION, "user", System.getProperty("user.name"), "revision", "local",
                "branch", "local", "date", "", "url", "");
    }

    private static int statementId(String text) {
        try {
            return Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw HttpError.msg(400, "For input string: \"" + text + "\"");
        }
    }

    private static int intParam(Map<String, String> q, String name, int dflt) {
        String v = q.get(name);
        if (v == null || v.isEmpty()) {
            return dflt;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw HttpError.msg(400, "For input string: \"" + v + "\"");
        }
    }

    private static Response methodNotAllowed() {
        return new Response(405, null, null);
    }

    private static Response notFound(HttpExchange ex) {
        return new Response(404, Map.of("msg", "Not found: " + ex.getRequestURI().getPath()), null);
    }

    private static Map<String, Object> orderedMap(Object... kv) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], kv[i + 1]);
        }
        return m;
    }

    private static String[] segments(String rawPath) {
        return java.util.Arrays.stream(rawPath.split("/"))
                .filter(x -> !x.isEmpty())
                .map(x -> URLDecoder.decode(x, StandardCharsets.UTF_8))
                .toArray(String[]::new);
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new HashMap<>();
        if (raw == null) {
            return q;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            q.put(k, v);
        }
        return q;
    }

    private static byte[] readBody(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            return in.readAllBytes();
        }
    }

    private static void send(HttpExchange ex, Response r) throws IOException {
        try (ex) {
            var h = ex.getResponseHeaders();
            h.set("X-Content-Type-Options", "nosniff");
            h.set("X-Frame-Options", "SAMEORIGIN");
            h.set(WAIT_HEADER, String.valueOf(WAIT_MAX_MILLIS));
            if (r.location() != null) {
                h.set("Location", r.location());
            }
            if (r.body() == null) {
                ex.sendResponseHeaders(r.status(), -1);
                return;
            }
            byte[] bytes = JSON.writeValueAsBytes(r.body());
            h.set("Content-Type", "application/json;charset=utf-8");
            ex.sendResponseHeaders(r.status(), bytes.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(bytes);
            }
        }
    }
}
