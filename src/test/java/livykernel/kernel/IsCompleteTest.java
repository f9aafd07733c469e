package livykernel.kernel;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** Samples mostly from IPython's own check_complete tests, plus cell magics and edge cases. */
class IsCompleteTest {

    @ParameterizedTest(name = "[{index}] {0} -> {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', nullValues = "NULL", value = {
            // code (\n escaped) | status | indent
            "``|complete|NULL",
            "`   `|complete|NULL",
            "1|complete|NULL",
            "a = 1|complete|NULL",
            "print('hello, world')|complete|NULL",
            "exit|complete|NULL",
            "x = [1,\\n2,|incomplete|``",
            "x = (1,\\n     2|incomplete|`     `",
            "d = {'a': 1,|incomplete|``",
            "f(a, [b, {c: (d|incomplete|``",
            "x = [1,\\n     2]|complete|NULL",
            "for a in range(5):|incomplete|`    `",
            "for a in range(5):\\n    if a > 0:|incomplete|`        `",
            "if True:\\n    a=1|incomplete|`    `",
            "if True:\\n    a=1\\n|complete|NULL",
            "if True:\\n    a=1\\n    |complete|NULL",
            "def f(x):\\n  return x*2\\n\\n\\n|complete|NULL",
            "def f(x):\\n  x*2|incomplete|`  `",
            "if x:  # comment|incomplete|`    `",
            "if x:\\n|incomplete|`    `",
            "if x:\\n  pass\\nprint(1)|complete|NULL",
            "class A:\\n\\tdef f(self):|incomplete|`\t    `",
            "@decorator|incomplete|``",
            "print('''hello|incomplete|``",
            "a = '''\\n   hi|incomplete|`   `",
            "a = '''\\n   hi'''|complete|NULL",
            "s = \"\"\"doc\\n\"\"\"|complete|NULL",
            "s = r'\\\\\\\\'|complete|NULL",
            "s = r'\\\\'|invalid|NULL",
            "s = 'it\\\\'s'|complete|NULL",
            "s = f'{x}' + b'y' + rb'z'|complete|NULL",
            "s = 'a:'|complete|NULL",
            "# just a comment|complete|NULL",
            "x = 1  # if y:|complete|NULL",
            "x = 1 + \\\\|incomplete|``",
            "x = 1 + \\\\\\n|incomplete|``",
            "1\\\\\\n+2|complete|NULL",
            "`a \\\\ `|invalid|NULL",
            "print('bad|invalid|NULL",
            "print('bad\\n')|invalid|NULL",
            "x = 'ok' + \"bad|invalid|NULL",
            "(\\n))|invalid|NULL",
            ")|invalid|NULL",
            "[1, 2)|invalid|NULL",
            "raise = 2|invalid|NULL",
            "import = 7q|invalid|NULL",
            "x = 7q|invalid|NULL",
            "x == 1if y else 2|complete|NULL",
            "x = 0xFF + 1e-3 + 2j + 1_000|complete|NULL",
            "if = 3|invalid|NULL",
            "f(a == b)|complete|NULL",
            "True == x|complete|NULL",
            "%%sql|incomplete|``",
            "%%configure -f\\n{\"conf\": {}}|incomplete|``",
            "%%configure -f\\n{\"conf\": {}}\\n|complete|NULL",
            "%%info\\n|complete|NULL",
            "%matplotlib inline|complete|NULL",
            "%time x = (|complete|NULL",
            "!ls -la 'unclosed|complete|NULL",
            "spark.sql(\"select 1\").show()|complete|NULL",
            "df = (spark.read\\n      .json('x'))\\ndf.show()|complete|NULL",
            "x = 1\\r\\nif x:|incomplete|`    `",
    })
    void classifiesPythonSource(String code, String status, String indent) {
        String source = code.replace("\\n", "\n").replace("\\t", "\t").replace("\\r", "\r").replace("\\\\", "\\");
        IsComplete.Verdict v = IsComplete.check(source);
        assertEquals(status, v.status(), () -> "status of " + source);
        assertEquals(indent, v.indent(), () -> "indent of " + source);
    }
}
