package livykernel.kernel;

import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;

class ExitRequestTest {

    @Test
    void exitAndQuitAloneAskToExitAndKeepKernelIsHonoured() {
        for (String code : new String[]{"exit", "quit", " exit()\n", "quit( )", "exit(False)", "quit(keep_kernel=False);"}) {
            assertEquals(Optional.of(false), ExitRequest.keepKernel(code), code);
        }
        for (String code : new String[]{"exit(keep_kernel=True)", "quit(True)", "exit(keep_kernel = 1)"}) {
            assertEquals(Optional.of(true), ExitRequest.keepKernel(code), code);
        }
    }

    @Test
    void anyOtherCellRunsAsCode() {
        for (String code : new String[]{"exit = 3", "sys.exit()", "exit(2)", "print(exit)", "exit\nprint(1)", "exits", ""}) {
            assertEquals(Optional.empty(), ExitRequest.keepKernel(code), code);
        }
    }
}
