package livykernel.magics;

import livykernel.config.KernelConfig;
import livykernel.localpy.LocalPython;

/** The local Python the configuration names, with the setting to change in its messages. */
final class LocalPythons {

    static final String CONFIG_KEY = "local_kernel_python (or LIVY_KERNEL_LOCAL_PYTHON)";

    private LocalPythons() {
    }

    static LocalPython of(KernelConfig config) {
        String python = config == null || config.localKernelPython() == null ? "python3" : config.localKernelPython();
        return new LocalPython(python, CONFIG_KEY);
    }
}
