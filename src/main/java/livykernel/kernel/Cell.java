package livykernel.kernel;

/** One execute request as the executor sees it. */
public record Cell(String code, int executionCount, boolean silent, boolean storeHistory) {
}
