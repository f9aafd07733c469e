package livykernel.kernel;

import livykernel.wire.Header;
import livykernel.wire.protocol.KernelInfoReply;
import livykernel.wire.protocol.KernelInfoReply.HelpLink;
import livykernel.wire.protocol.KernelInfoReply.LanguageInfo;

import java.util.List;

/** What this kernel says of itself in kernel_info_reply: a Python-language kernel implemented as "livy-kernel". */
final class KernelInfo {

    static final String IMPLEMENTATION = "livy-kernel";

    // "python" so papermill picks its Python translator and sparkmonitor-style tools attach.
    private static final LanguageInfo PYTHON = new LanguageInfo("python", "3", "text/x-python", ".py",
            "ipython3", "ipython", 3, "python");

    private KernelInfo() {
    }

    static String implementationVersion() {
        String v = KernelInfo.class.getPackage().getImplementationVersion();
        return v == null || v.isBlank() ? "0.1.0" : v;
    }

    static KernelInfoReply reply() {
        return new KernelInfoReply(Header.PROTOCOL_VERSION, IMPLEMENTATION, implementationVersion(), PYTHON,
                "PySpark on Apache Livy (livy-kernel " + implementationVersion() + ")",
                List.of(new HelpLink("Apache Livy", "https://livy.apache.org/"),
                        new HelpLink("PySpark", "https://spark.apache.org/docs/latest/api/python/")),
                false);
    }
}
