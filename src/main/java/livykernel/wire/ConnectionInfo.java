package livykernel.wire;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

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

    /** Read by {@link FlatJson}, not Jackson: the file is what the kernel needs before it can bind a socket. */
    public static ConnectionInfo parse(String json) throws IOException {
        Map<String, String> n = FlatJson.parse(json);
        return new ConnectionInfo(n.get("transport"), n.get("ip"), port(n, "shell_port"), port(n, "iopub_port"),
                port(n, "stdin_port"), port(n, "control_port"), port(n, "hb_port"), n.get("signature_scheme"),
                n.get("key"), n.get("kernel_name"));
    }

    private static int port(Map<String, String> n, String field) throws IOException {
        String v = n.get(field);
        if (v == null) {
            return 0;
        }
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IOException("'" + field + "' in the connection file is not a port number: " + v);
        }
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
