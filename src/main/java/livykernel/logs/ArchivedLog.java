package livykernel.logs;

import java.util.List;

/**
 * What the archive held of one session: each file read (only this session's lines of the shared
 * Livy log), the YARN application id used, and notes on files not there yet.
 */
public record ArchivedLog(String appId, List<File> files, List<String> notes) {

    public ArchivedLog {
        files = List.copyOf(files);
        notes = List.copyOf(notes);
    }

    /** One archived file and the lines shown from it. */
    public record File(S3Location where, List<String> lines) {
        public File {
            lines = List.copyOf(lines);
        }
    }
}
