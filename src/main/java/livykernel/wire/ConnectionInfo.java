package livykernel.wire;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The connection file written by the client that starts the kernel; unknown fields are ignored. */
public record ConnectionInfo(String transport, String ip, int shellPort, int iopubPort, int stdinPort,
                             int controlPort, int hbPort, String signatureScheme, String key, String kernelName) {

    public ConnectionInfo {
        transport = transport == null || transport.isBlank() ? "tcp" : transport;
        ip = ip == null || ip.isBlank() ? "127.0.0.1" : ip;
        signatureScheme = signatureScheme == null || signatureScheme.isBlank() ? "hmac-sha256" : signatureScheme;
        key = key == null ? "" : key;
        kernelName = kernelName == null ? "" : kernelName;
    }

    public static ConnectionInfo read(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    /**
     * Read from Jackson's tree, not by record binding: binding would build a deserializer by
     * reflection before the kernel can bind a socket (about 90 ms of its start-up).
     */
    public static ConnectionInfo parse(String json) throws IOException {
        JsonNode n = Json.MAPPER.readTree(json);
        if (n == null || !n.isObject()) {
            throw new IOException("the connection file is not a JSON object");
        }
        return new ConnectionInfo(text(n, "transport"), text(n, "ip"), port(n, "shell_port"), port(n, "iopub_port"),
                port(n, "stdin_port"), port(n, "control_port"), port(n, "hb_port"), text(n, "signature_scheme"),
                text(n, "key"), text(n, "kernel_name"));
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static int port(JsonNode n, String field) throws IOException {
        JsonNode v = n.get(field);
        if (v != null && !v.isNull() && !v.canConvertToInt() && !(v.isTextual() && v.asText().matches("\\d+"))) {
            throw new IOException("'" + field + "' in the connection file is not a port number: " + v);
        }
        return v == null ? 0 : v.asInt();
    }

    /** The address to bind for a port, as jupyter_client spells it for tcp and ipc. */
    public String endpoint(int port) {
        return "ipc".equals(transport) ? "ipc://" + ip + "-" + port : transport + "://" + ip + ":" + port;
    }

    /** A copy with the ports actually bound (used when the file asked for port 0). */
    public ConnectionInfo withPorts(int shell, int iopub, int stdin, int control, int hb) {
        return new ConnectionInfo(transport, ip, shell, iopub, stdin, control, hb, signatureScheme, key, kernelName);
    }

    @Override
    public String toString() {
        // Never print the key.
        return "ConnectionInfo[" + transport + "://" + ip + " shell=" + shellPort + " iopub=" + iopubPort
                + " stdin=" + stdinPort + " control=" + controlPort + " hb=" + hbPort
                + " scheme=" + signatureScheme + " kernel=" + kernelName + "]";
    }
}
