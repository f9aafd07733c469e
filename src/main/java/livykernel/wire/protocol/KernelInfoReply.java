package livykernel.wire.protocol;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import livykernel.wire.Json;

import java.util.List;

/** The kernel_info_reply content (no supported_features: the kernel offers none of them). */
public record KernelInfoReply(String protocolVersion, String implementation, String implementationVersion,
                              LanguageInfo languageInfo, String banner, List<HelpLink> helpLinks,
                              boolean debugger) implements MessageContent {

    /** {@code language_info}; {@code codemirror_mode} is written as an object of name and version. */
    public record LanguageInfo(String name, String version, String mimetype, String fileExtension,
                               String pygmentsLexer, String codemirrorName, int codemirrorVersion,
                               String nbconvertExporter) {
    }

    /** One entry of {@code help_links}. */
    public record HelpLink(String text, String url) {
    }

    public KernelInfoReply {
        helpLinks = List.copyOf(helpLinks);
    }

    @Override
    public String msgType() {
        return MsgType.KERNEL_INFO_REPLY;
    }

    @Override
    public ObjectNode toJson() {
        ObjectNode c = Json.object();
        c.put("status", "ok");
        c.put("protocol_version", protocolVersion);
        c.put("implementation", implementation);
        c.put("implementation_version", implementationVersion);
        ObjectNode lang = c.putObject("language_info");
        lang.put("name", languageInfo.name());
        lang.put("version", languageInfo.version());
        lang.put("mimetype", languageInfo.mimetype());
        lang.put("file_extension", languageInfo.fileExtension());
        lang.put("pygments_lexer", languageInfo.pygmentsLexer());
        ObjectNode cm = lang.putObject("codemirror_mode");
        cm.put("name", languageInfo.codemirrorName());
        cm.put("version", languageInfo.codemirrorVersion());
        lang.put("nbconvert_exporter", languageInfo.nbconvertExporter());
        c.put("banner", banner);
        ArrayNode links = c.putArray("help_links");
        for (HelpLink link : helpLinks) {
            links.addObject().put("text", link.text()).put("url", link.url());
        }
        c.put("debugger", debugger);
        c.putArray("supported_features");
        return c;
    }
}
