package livykernel.wire;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The connection file written by the client that starts the kernel; unknown fields are ignored. */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ConnectionInfo(
        @JsonProperty("transport") String transport,
        @JsonProperty("ip") String ip,
        @JsonProperty("shell_port") int shellPort,
        @JsonProperty("iopub_port") int iopubPort,
        @JsonProperty("stdin_port") int stdinPort,
        @JsonProperty("control_port") int controlPort,
        @JsonProperty("hb_port") int hbPort,
        @JsonProperty("signature_scheme") String signatureScheme,
        @JsonProperty("key") String key,
        @JsonProperty("kernel_name") String kernelName) {

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

    public static ConnectionInfo parse(String json) throws IOException {
        return Json.MAPPER.readValue(json, ConnectionInfo.class);
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
