package livykernel;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Holds the code to the package table of docs/ARCHITECTURE.md: every package has a row, and
 * imports only the packages its row allows, and none of its forbidden classes.
 */
class ArchitectureTest {

    private static final Path DOC = Path.of("docs", "ARCHITECTURE.md");
    private static final Path MAIN = Path.of("src", "main", "java", "livykernel");

    // ---- the real code against the real table ----------------------------------------------

    @Test
    void theDocumentHasARowForEveryPackageAndNamesOnlyPackagesWithRows() throws IOException {
        Map<String, Rule> rules = Rules.parse(Files.readString(DOC));
        assertTrue(rules.size() >= 10, "the package table was not found or is nearly empty: " + rules.keySet());
        assertEquals(List.of(), Checker.packagesWithoutRow(rules, packagesOnDisk()),
                "packages under " + MAIN + " without a row in " + DOC);
        assertEquals(List.of("livykernel.livy.LivyClient"), List.copyOf(rules.get("magics").forbiddenClasses()));
    }

    /** The boundary check on the real code: every import of src/main against the document's tables. */
    @Test
    void everyImportInSrcMainFollowsTheTable() throws IOException {
        Map<String, Rule> rules = Rules.parse(Files.readString(DOC));
        List<String> problems = new ArrayList<>(Checker.packagesWithoutRow(rules, packagesOnDisk()).stream()
                .map(p -> "package " + p + " has no row in " + DOC).toList());
        problems.addAll(Checker.violations(rules, sourcesOnDisk()));
        assertTrue(problems.isEmpty(), problems.size() + " architecture violation(s), rules in " + DOC + ":\n  "
                + String.join("\n  ", problems));
    }

    // ---- the checker and the parser themselves: each case here must be able to fail ---------

    private static final String SAMPLE = """
            # A map

            | package | owns | may use | must not know about |
            | --- | --- | --- | --- |
            | `wire` | messages | — | sockets |
            | `kernel` | dispatch | `wire` | HTTP |
            | `magics` | magics | `kernel`, `livy` | transport |
            | `livy` | REST | - | Jupyter |

            ## Forbidden classes

            | package | forbidden classes |
            | --- | --- |
            | `magics` | `livykernel.livy.LivyClient` |
            """;

    @Test
    void parsesMayUseAndForbiddenClasses() {
        Map<String, Rule> rules = Rules.parse(SAMPLE);
        assertEquals(List.of("wire", "kernel", "magics", "livy"), List.copyOf(rules.keySet()));
        assertEquals(Set.of(), rules.get("wire").mayUse());
        assertEquals(Set.of(), rules.get("livy").mayUse());
        assertEquals(Set.of("wire"), rules.get("kernel").mayUse());
        assertEquals(Set.of("kernel", "livy"), rules.get("magics").mayUse());
        assertEquals(Set.of("livykernel.livy.LivyClient"), rules.get("magics").forbiddenClasses());
        assertEquals(Set.of(), rules.get("kernel").forbiddenClasses());
    }

    @Test
    void checkerReportsAForbiddenPackageImportWithFileImportAndRule() {
        SourceFile file = new SourceFile("src/main/java/livykernel/kernel/Dispatcher.java", "kernel", """
                package livykernel.kernel;

                import livykernel.wire.Message;
                import livykernel.transport.ZmqChannel;
                import java.util.List;
                """);
        List<String> v = Checker.violations(Rules.parse(SAMPLE), List.of(file));
        assertEquals(1, v.size(), v.toString());
        assertTrue(v.get(0).contains("src/main/java/livykernel/kernel/Dispatcher.java:4"), v.get(0));
        assertTrue(v.get(0).contains("import livykernel.transport.ZmqChannel"), v.get(0));
        assertTrue(v.get(0).contains("kernel may use only: wire"), v.get(0));
    }

    @Test
    void checkerReportsStaticImportsForbiddenClassesAndRootClasses() {
        SourceFile file = new SourceFile("magics/InfoMagic.java", "magics", """
                package livykernel.magics;
                import static livykernel.wire.Json.write;
                import livykernel.livy.LivyClient;
                import livykernel.livy.LivyClient.Settings;
                import livykernel.livy.Session;
                import livykernel.Main;
                import livykernel.magics.Magic;
                // import livykernel.wire.Header; (a comment is no dependency)
                """);
        List<String> v = Checker.violations(Rules.parse(SAMPLE), List.of(file));
        assertEquals(4, v.size(), String.join("\n", v));
        assertTrue(v.get(0).contains("import static livykernel.wire.Json.write") && v.get(0).contains("magics may use only: kernel, livy"), v.get(0));
        assertTrue(v.get(1).contains("import livykernel.livy.LivyClient;") && v.get(1).contains("forbidden class livykernel.livy.LivyClient"), v.get(1));
        assertTrue(v.get(2).contains("LivyClient.Settings") && v.get(2).contains("forbidden class"), v.get(2));
        assertTrue(v.get(3).contains("import livykernel.Main") && v.get(3).contains("root classes"), v.get(3));
    }

    @Test
    void checkerAcceptsWhatTheTableAllows() {
        SourceFile file = new SourceFile("magics/SqlMagic.java", "magics", """
                package livykernel.magics;
                import livykernel.kernel.CellOutput;
                import livykernel.livy.Statement;
                import livykernel.magics.sub.Thing;
                import java.util.Map;
                """);
        assertEquals(List.of(), Checker.violations(Rules.parse(SAMPLE), List.of(file)));
    }

    @Test
    void aFileOfAPackageWithoutRowAndAPackageDirWithoutRowAreReported() {
        SourceFile file = new SourceFile("newpkg/A.java", "newpkg", "import livykernel.wire.Message;\n");
        List<String> v = Checker.violations(Rules.parse(SAMPLE), List.of(file));
        assertEquals(1, v.size(), v.toString());
        assertTrue(v.get(0).contains("newpkg/A.java") && v.get(0).contains("no row"), v.get(0));
        assertEquals(List.of("newpkg"), Checker.packagesWithoutRow(Rules.parse(SAMPLE), Set.of("wire", "newpkg")));
    }

    @Test
    void parserRefusesWhatItCannotReadInsteadOfAllowingIt() {
        assertThrows(IllegalArgumentException.class, () -> Rules.parse("no table here"));
        String bareName = SAMPLE.replace("| `kernel` | dispatch | `wire` |", "| `kernel` | dispatch | wire |");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Rules.parse(bareName));
        assertTrue(e.getMessage().contains("kernel"), e.getMessage());
        String unknown = SAMPLE.replace("| `kernel` | dispatch | `wire` |", "| `kernel` | dispatch | `wyre` |");
        e = assertThrows(IllegalArgumentException.class, () -> Rules.parse(unknown));
        assertTrue(e.getMessage().contains("wyre"), e.getMessage());
        String strayForbidden = SAMPLE.replace("| `magics` | `livykernel.livy.LivyClient` |", "| `nosuch` | `livykernel.livy.LivyClient` |");
        assertThrows(IllegalArgumentException.class, () -> Rules.parse(strayForbidden));
    }

    // ---- reading the tree --------------------------------------------------------------------

    private static Set<String> packagesOnDisk() throws IOException {
        try (Stream<Path> dirs = Files.list(MAIN)) {
            return dirs.filter(Files::isDirectory).map(d -> d.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
        }
    }

    private static List<SourceFile> sourcesOnDisk() throws IOException {
        try (Stream<Path> files = Files.walk(MAIN)) {
            return files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> f.getParent().startsWith(MAIN) && !f.getParent().equals(MAIN))
                    .sorted()
                    .map(f -> {
                        try {
                            return new SourceFile(f.toString(), MAIN.relativize(f).getName(0).toString(), Files.readString(f));
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                    })
                    .toList();
        }
    }

    // ---- the rules and the checker -----------------------------------------------------------

    /** One row: what a package may import. */
    record Rule(String pkg, Set<String> mayUse, Set<String> forbiddenClasses) {
    }

    /** A Java file of package {@code pkg} (the first directory under livykernel/). */
    record SourceFile(String path, String pkg, String text) {
    }

    /** Reads the package table and the forbidden-classes table of the architecture document. */
    static final class Rules {
        private static final List<String> PACKAGE_HEADER = List.of("package", "owns", "may use", "must not know about");
        private static final List<String> FORBIDDEN_HEADER = List.of("package", "forbidden classes");
        private static final Pattern TICKED = Pattern.compile("`([^`]+)`");
        private static final Set<String> NONE = Set.of("—", "-", "");

        static Map<String, Rule> parse(String markdown) {
            List<String> lines = markdown.lines().toList();
            Map<String, Set<String>> mayUse = new LinkedHashMap<>();
            for (List<String> row : table(lines, PACKAGE_HEADER, true)) {
                String pkg = name(row.get(0), "package");
                if (mayUse.put(pkg, names(row.get(2), pkg)) != null) {
                    throw new IllegalArgumentException("package " + pkg + " has two rows");
                }
            }
            Map<String, Set<String>> forbidden = new LinkedHashMap<>();
            for (List<String> row : table(lines, FORBIDDEN_HEADER, false)) {
                String pkg = name(row.get(0), "package");
                if (!mayUse.containsKey(pkg)) {
                    throw new IllegalArgumentException("forbidden classes for " + pkg + ", which has no row in the package table");
                }
                forbidden.computeIfAbsent(pkg, k -> new LinkedHashSet<>()).addAll(names(row.get(1), pkg));
            }
            mayUse.forEach((pkg, used) -> used.forEach(u -> {
                if (!mayUse.containsKey(u)) {
                    throw new IllegalArgumentException("package " + pkg + " may use `" + u + "`, which has no row");
                }
            }));
            Map<String, Rule> rules = new LinkedHashMap<>();
            mayUse.forEach((pkg, used) -> rules.put(pkg, new Rule(pkg, Set.copyOf(used), Set.copyOf(forbidden.getOrDefault(pkg, Set.of())))));
            return rules;
        }

        /** The rows of the table whose header is {@code header}; empty when it is optional and absent. */
        private static List<List<String>> table(List<String> lines, List<String> header, boolean required) {
            for (int i = 0; i < lines.size(); i++) {
                if (!cells(lines.get(i)).stream().map(String::toLowerCase).toList().equals(header)) {
                    continue;
                }
                List<List<String>> rows = new ArrayList<>();
                for (int j = i + 2; j < lines.size() && lines.get(j).trim().startsWith("|"); j++) {
                    List<String> row = cells(lines.get(j));
                    if (row.size() != header.size()) {
                        throw new IllegalArgumentException("row of " + row.size() + " cells in the table " + header + ": " + lines.get(j));
                    }
                    rows.add(row);
                }
                return rows;
            }
            if (required) {
                throw new IllegalArgumentException("no table with the header | " + String.join(" | ", header) + " |");
            }
            return List.of();
        }

        private static List<String> cells(String line) {
            String t = line.trim();
            if (!t.startsWith("|") || !t.endsWith("|") || t.length() < 2) {
                return List.of();
            }
            return Arrays.stream(t.substring(1, t.length() - 1).split("\\|", -1)).map(String::trim).toList();
        }

        private static String name(String cell, String what) {
            Matcher m = TICKED.matcher(cell);
            if (!m.matches()) {
                throw new IllegalArgumentException("the " + what + " cell must be one name in backticks: " + cell);
            }
            return m.group(1);
        }

        /** A cell of `a`, `b` names, or — for none; anything else is refused, not read as "none". */
        private static Set<String> names(String cell, String row) {
            if (NONE.contains(cell)) {
                return Set.of();
            }
            Set<String> out = new LinkedHashSet<>();
            for (String part : cell.split(",")) {
                Matcher m = TICKED.matcher(part.trim());
                if (!m.matches()) {
                    throw new IllegalArgumentException("row " + row + ": '" + part.trim()
                            + "' is not a name in backticks (a list is `a`, `b`; none is —)");
                }
                out.add(m.group(1));
            }
            return out;
        }
    }

    /** Finds the imports that cross the lines of the rules. */
    static final class Checker {
        private static final Pattern IMPORT = Pattern.compile("^\\s*import\\s+(static\\s+)?(livykernel\\.[\\w.]+(?:\\.\\*)?)\\s*;");

        static List<String> packagesWithoutRow(Map<String, Rule> rules, Set<String> packages) {
            return packages.stream().filter(p -> !rules.containsKey(p)).sorted().toList();
        }

        static List<String> violations(Map<String, Rule> rules, List<SourceFile> files) {
            List<String> out = new ArrayList<>();
            for (SourceFile f : files) {
                Rule rule = rules.get(f.pkg());
                if (rule == null) {
                    out.add(f.path() + ": package " + f.pkg() + " has no row in the package table");
                    continue;
                }
                List<String> lines = f.text().lines().toList();
                for (int i = 0; i < lines.size(); i++) {
                    Matcher m = IMPORT.matcher(lines.get(i));
                    if (m.find()) {
                        String problem = problem(rule, m.group(2));
                        if (problem != null) {
                            out.add(f.path() + ":" + (i + 1) + ": " + lines.get(i).trim() + "  -- " + problem);
                        }
                    }
                }
            }
            return out;
        }

        /** Why {@code imported} (a class, member or wildcard under livykernel.) is not allowed in the rule's package, or null. */
        private static String problem(Rule rule, String imported) {
            String[] parts = imported.split("\\.");
            String target = parts[1];
            if (Character.isUpperCase(target.charAt(0))) {
                return "root classes (" + target + ") wire the packages together; no package may use them";
            }
            for (String forbidden : rule.forbiddenClasses()) {
                if (imported.equals(forbidden) || imported.startsWith(forbidden + ".")) {
                    return rule.pkg() + " must not import the forbidden class " + forbidden;
                }
                if (imported.endsWith(".*") && forbidden.startsWith(imported.substring(0, imported.length() - 1))) {
                    return rule.pkg() + " must not import the forbidden class " + forbidden + " (a wildcard import would hide it)";
                }
            }
            if (target.equals(rule.pkg()) || rule.mayUse().contains(target)) {
                return null;
            }
            return rule.pkg() + " may use only: " + (rule.mayUse().isEmpty() ? "—" : String.join(", ", new TreeSet<>(rule.mayUse())));
        }
    }
}
