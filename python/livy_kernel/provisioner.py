"""jupyter_client's local provisioner, plus one wait: the kernel start returns once the kernel's
sockets accept connections. A ZeroMQ client that connects before the kernel listens retries only
after its reconnect interval (100 ms) plus up to as much random jitter, so with the stock
provisioner every start pays 0.1-0.2 s on top of the JVM's own start (bench/notes.md).

The kernelspec names this provisioner only where jupyter_client can load it: see
`kernelspec.provisioner_available`. jupyter_client hides a kernelspec whose provisioner is missing."""
import asyncio
import time

from jupyter_client.provisioning import LocalProvisioner

from livy_kernel.kernelspec import accepts

# Long enough for a JVM on a loaded machine; a kernel that never listens is left to the client's
# own startup timeout, which then says what happened.
LISTEN_TIMEOUT_S = 30.0
_PORTS = ("shell_port", "iopub_port", "control_port", "stdin_port", "hb_port")


class ListeningProvisioner(LocalProvisioner):
    """Starts the kernel as jupyter_client's LocalProvisioner does, then waits until it listens."""

    async def post_launch(self, **kwargs):
        await super().post_launch(**kwargs)
        info = self.connection_info or {}
        if info.get("transport", "tcp") != "tcp":
            return
        await wait_listening(info.get("ip") or "127.0.0.1", [info[p] for p in _PORTS if info.get(p)],
                             lambda: self.process is not None and self.process.poll() is None)


async def wait_listening(host, ports, alive, timeout=LISTEN_TIMEOUT_S):
    """True once every port accepts a TCP connection; False if `alive()` turns false or time runs out.
    The kernel binds all its sockets at once, so the ports after the first answer at once."""
    deadline = time.monotonic() + timeout
    pending = list(ports)
    while pending:
        if not alive() or time.monotonic() > deadline:
            return False
        if accepts(host, pending[0]):
            pending.pop(0)
        else:
            await asyncio.sleep(0.002)
    return True
