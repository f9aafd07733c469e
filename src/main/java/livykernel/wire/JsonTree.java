package livykernel.wire;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Map;

/**
 * Message JSON to and from Jackson trees through jackson-core's streaming parser and generator,
 * without an ObjectMapper: building one loads some 700 classes, about 60 ms on 2 cores, which
 * used to stand between the bound sockets and the first kernel_info reply (bench/notes.md). The
 * trees are the ones {@code ObjectMapper.readTree} builds (ints as int, long or BigInteger nodes,
 * other numbers as doubles, the last of duplicate keys); the bytes are the ones it writes.
 */
final class JsonTree {

    private static final JsonFactory FACTORY = new JsonFactory();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private JsonTree() {
    }

    /** The JSON object in {@code bytes}, or null when they hold another JSON value; trailing content is ignored. */
    static ObjectNode readObject(byte[] bytes) throws IOException {
        try (JsonParser p = FACTORY.createParser(bytes)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            return readObjectBody(p);
        }
    }

    private static ObjectNode readObjectBody(JsonParser p) throws IOException {
        ObjectNode o = NODES.objectNode();
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            o.set(name, readValue(p, p.nextToken()));
        }
        if (p.currentToken() != JsonToken.END_OBJECT) {
            throw new IOException("unexpected end of input in an object");
        }
        return o;
    }

    private static JsonNode readValue(JsonParser p, JsonToken t) throws IOException {
        if (t == null) {
            throw new IOException("unexpected end of input");
        }
        switch (t) {
            case START_OBJECT:
                return readObjectBody(p);
            case START_ARRAY: {
                ArrayNode a = NODES.arrayNode();
                for (JsonToken next = p.nextToken(); next != JsonToken.END_ARRAY; next = p.nextToken()) {
                    a.add(readValue(p, next));
                }
                return a;
            }
            case VALUE_STRING:
                return NODES.textNode(p.getText());
            case VALUE_NUMBER_INT:
                switch (p.getNumberType()) {
                    case INT:
                        return NODES.numberNode(p.getIntValue());
                    case LONG:
                        return NODES.numberNode(p.getLongValue());
                    default:
                        return NODES.numberNode(p.getBigIntegerValue());
                }
            case VALUE_NUMBER_FLOAT:
                return NODES.numberNode(p.getDoubleValue());
            case VALUE_TRUE:
                return NODES.booleanNode(true);
            case VALUE_FALSE:
                return NODES.booleanNode(false);
            case VALUE_NULL:
                return NODES.nullNode();
            default:
                throw new IOException("unexpected JSON token " + t);
        }
    }

    /** UTF-8 JSON of {@code node}. */
    static byte[] write(JsonNode node) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            write(g, node);
        }
        return out.toByteArray();
    }

    private static void write(JsonGenerator g, JsonNode node) throws IOException {
        switch (node.getNodeType()) {
            case OBJECT: {
                g.writeStartObject();
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> field = it.next();
                    g.writeFieldName(field.getKey());
                    write(g, field.getValue());
                }
                g.writeEndObject();
                return;
            }
            case ARRAY:
                g.writeStartArray();
                for (JsonNode element : node) {
                    write(g, element);
                }
                g.writeEndArray();
                return;
            case STRING:
                g.writeString(node.textValue());
                return;
            case NUMBER:
                switch (node.numberType()) {
                    case INT -> g.writeNumber(node.intValue());
                    case LONG -> g.writeNumber(node.longValue());
                    case BIG_INTEGER -> g.writeNumber(node.bigIntegerValue());
                    case FLOAT -> g.writeNumber(node.floatValue());
                    case BIG_DECIMAL -> g.writeNumber(node.decimalValue());
                    default -> g.writeNumber(node.doubleValue());
                }
                return;
            case BOOLEAN:
                g.writeBoolean(node.booleanValue());
                return;
            case NULL:
            case MISSING:
                g.writeNull();
                return;
            default:
                // Binary and POJO nodes, which the kernel's own messages do not hold: the mapper's way.
                g.writeRawValue(Json.mapper().writeValueAsString(node));
        }
    }
}
