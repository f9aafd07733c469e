package livykernel.wire;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Objects;
import java.util.UUID;

/**
 * A Jupyter message header. {@code json} is the header exactly as received (or as built), so a
 * reply can echo it as {@code parent_header} unchanged, including fields this kernel ignores.
 */
public record Header(String msgId, String session, String username, String date, String msgType,
                     String version, ObjectNode json) {

    /** Protocol version written into every header this kernel sends. */
    public static final String PROTOCOL_VERSION = "5.3";

    // jupyter_client parses at most 6 fraction digits and wants a zone; Instant.toString() may print 9.
    private static final DateTimeFormatter DATE =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    public Header {
        Objects.requireNonNull(msgType, "msg_type");
        Objects.requireNonNull(json, "json");
    }

    /** A fresh header for an outgoing message: new msg_id, current date. */
    public static Header create(String msgType, String session, String username) {
        return of(UUID.randomUUID().toString(), session, username, formatDate(Instant.now()), msgType,
                PROTOCOL_VERSION);
    }

    public static Header of(String msgId, String session, String username, String date, String msgType,
                            String version) {
        ObjectNode json = Json.object();
        json.put("msg_id", msgId);
        json.put("session", session);
        json.put("username", username);
        json.put("date", date);
        json.put("msg_type", msgType);
        json.put("version", version);
        return new Header(msgId, session, username, date, msgType, version, json);
    }

    /** Reads a received header; only {@code msg_type} is mandatory, the rest default to "". */
    public static Header fromJson(JsonNode node) {
        if (node == null || !node.isObject()) {
            throw new IllegalArgumentException("header is not a JSON object");
        }
        JsonNode type = node.get("msg_type");
        if (type == null || !type.isTextual() || type.asText().isEmpty()) {
            throw new IllegalArgumentException("header has no msg_type");
        }
        return new Header(text(node, "msg_id"), text(node, "session"), text(node, "username"),
                text(node, "date"), type.asText(), text(node, "version"), (ObjectNode) node);
    }

    /** ISO-8601 in UTC with exactly six fraction digits and a {@code Z}. */
    public static String formatDate(Instant instant) {
        return DATE.format(instant);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? "" : v.asText();
    }
}
