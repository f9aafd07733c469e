package livykernel.kernel;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import livykernel.wire.Json;

/** The kernel_info_reply content: a Python-language kernel implemented as "livy-kernel". */
final class KernelInfo {

    static final String IMPLEMENTATION = "livy-kernel";
    static final String PROTOCOL_VERSION = "5.3";

    private KernelInfo() {
    }

    static String implementationVersion() {
        String v = KernelInfo.class.getPackage().getImplementationVersion();
        return v == null || v.isBlank() ? "0.1.0" : v;
    }

    static ObjectNode content() {
        ObjectNode c = Json.object();
        c.put("status", "ok");
        c.put("protocol_version", PROTOCOL_VERSION);
        c.put("implementation", IMPLEMENTATION);
        c.put("implementation_version", implementationVersion());
        ObjectNode lang = c.putObject("language_info");
        // "python" so papermill picks its Python translator and sparkmonitor-style tools attach.
        lang.put("name", "python");
        lang.put("version", "3");
        lang.put("mimetype", "text/x-python");
        lang.put("file_extension", ".py");
        lang.put("pygments_lexer", "ipython3");
        ObjectNode cm = lang.putObject("codemirror_mode");
        cm.put("name", "ipython");
        cm.put("version", 3);
        lang.put("nbconvert_exporter", "python");
        c.put("banner", "PySpark on Apache Livy (livy-kernel " + implementationVersion() + ")");
        ArrayNode links = c.putArray("help_links");
        link(links, "Apache Livy", "https://livy.apache.org/");
        link(links, "PySpark", "https://spark.apache.org/docs/latest/api/python/");
        c.put("debugger", false);
        c.putArray("supported_features");
        return c;
    }

    private static void link(ArrayNode links, String text, String url) {
        ObjectNode l = links.addObject();
        l.put("text", text);
        l.put("url", url);
    }
}
