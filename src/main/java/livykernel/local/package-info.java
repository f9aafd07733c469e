/**
 * The embedded Livy-compatible endpoint: a REST server ({@link livykernel.local.LocalLivyServer},
 * standalone as {@code java -jar livy-kernel.jar local-livy}, see {@link livykernel.local.LocalLivyMain})
 * whose sessions are Python processes running our REPL driver ({@code livy_repl_driver.py}, a
 * resource) with real PySpark in local mode.
 *
 * <p>It follows real Livy (shared/reference/livy-rest.md) in routes, JSON shapes, states, status
 * codes and error bodies. Where it deliberately differs, for the better or for simplicity:
 * <ul>
 *   <li>{@code /log} returns plain lines, stdout and stderr of the driver merged in arrival order
 *       (the driver sends its own stdout to stderr), the last 2000 lines; no {@code "stdout: "} /
 *       {@code "\nstderr: "} markers. Paging works like Livy's (offsets shift once lines roll off).</li>
 *   <li>Cancel interrupts plain Python too (SIGINT to the driver's main thread once it is not
 *       inside a py4j call) and cancels the statement's Spark job group every 100 ms; the statement
 *       ends {@code cancelled} with an error output, the namespace stays intact.</li>
 *   <li>{@code /completion} answers from the session's namespace (rlcompleter) instead of Livy's
 *       always-empty PySpark list.</li>
 *   <li>Output printed by a statement that then fails is not in its output (as in Livy) but is
 *       written to the session log.</li>
 *   <li>{@code %json}/{@code %table}/{@code %matplot} on a missing variable is a proper
 *       {@code KeyError} error output, not Livy's "ok" output wrapping an error.</li>
 *   <li>A session whose Python died is {@code dead} (Livy: {@code error}) and its statements can
 *       still be read, so the client sees the "Interpreter died" output; new statements get 500.</li>
 *   <li>A missing or pyspark-less Python leaves the session in {@code error} with the install
 *       command in its log.</li>
 *   <li>The idle timeout is checked every timeout/10 (0.5 s to 60 s) instead of every 60 s.</li>
 *   <li>A session that is still starting is never reaped by the idle timeout (Livy would).</li>
 *   <li>With a warm spare ({@link livykernel.local.SpareSettings}, only when the kernel embeds
 *       the endpoint), a session with the default configuration may run on a driver started before
 *       it was asked for; its Spark application is then named {@code livy-spare}, and after a
 *       restart the Spark JVM's own log lines no longer reach the session log.</li>
 * </ul>
 */
package livykernel.local;
