"""jupyter_kernel_test's conformance suite, run against the kernel on the embedded endpoint.

The kernel starts its own embedded Livy endpoint (no LIVY_URL), exactly as a fresh install does.
"""
import unittest

import jupyter_kernel_test as jkt

from conftest import KERNEL_NAME, run_cell


class LivyKernelConformance(jkt.KernelTests):
    kernel_name = KERNEL_NAME
    language_name = "python"
    file_extension = ".py"

    code_hello_world = "print('hello, world')"

    # Livy returns stdout and stderr as one text/plain string, so a kernel on Livy cannot
    # tell them apart: code_stderr is deliberately not claimed.

    code_generate_error = "raise ValueError('boom')"

    # Plain expression values come back from Livy inside text/plain (shown as stdout);
    # Livy's %json magic is a real result with a mime type.
    code_execute_result = [
        {"code": "d = {'answer': 42}\n%json d", "mime": "application/json", "result": {"answer": 42}},
        {"code": "rows = [{'id': 1, 'name': 'a'}]\n%table rows", "mime": "application/vnd.livy.table.v1+json",
         "result": {"headers": [{"name": "id", "type": "INT_TYPE"}, {"name": "name", "type": "STRING_TYPE"}],
                    "data": [[1, "a"]]}},
    ]

    code_display_data = [
        {"code": "import matplotlib\nmatplotlib.use('Agg')\nimport matplotlib.pyplot as plt\n"
                 "plt.figure(); plt.plot([1, 3, 2])\n%matplot plt", "mime": "image/png"},
    ]

    complete_code_samples = ["1", "print('hello, world')", "def f(x):\n    return x * 2\n\n",
                             "df = spark.range(3)", "%%sql\nSELECT 1\n\n"]
    incomplete_code_samples = ["print('''hello", "def f(x):\n    x * 2", "x = (1 +", "for i in range(3):"]
    invalid_code_samples = ["x = )", "import = 7q"]

    supported_history_operations = ("tail", "range", "search")
    code_history_pattern = "d = *"

    def execute_helper(self, code, timeout=120, **kwargs):
        # The suite reads each iopub message of a cell with a 0.1 s timeout after the reply; on a
        # loaded machine the idle can come later than that, so its reads get 30 s here.
        channel = self.kc.iopub_channel
        get = channel.get_msg
        channel.get_msg = lambda *a, timeout=None, **k: get(*a, timeout=max(timeout or 0, 30), **k)
        try:
            return super().execute_helper(code, timeout=max(timeout, 120), **kwargs)
        finally:
            channel.get_msg = get

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Start the Spark session once, so its status display is not counted as a test's output.
        reply, _ = run_cell(cls.kc, "x = 1", timeout=300)
        assert reply["status"] == "ok", reply


if __name__ == "__main__":
    unittest.main()
