"""ZeroMQ fuzzing: thousands of random, truncated, oversized, badly signed and mutated frames on every
socket of a running kernel, within bounded time. Afterwards the kernel still answers, a normal cell
runs, nothing that was not signed with the key ran, and the log shows throttled drop lines, not a
line per frame."""
import hashlib
import hmac
import json
import os
import random
import time
import uuid

import pytest
import zmq
from jupyter_client.manager import KernelManager

from conftest import KERNEL_NAME, run_cell, stdout_of

pytestmark = pytest.mark.timeout(600)

FRAMES_PER_SOCKET = 3000
DELIM = b"<IDS|MSG>"


def signed(key, header, parent=b"{}", metadata=b"{}", content=b"{}"):
    mac = hmac.new(key, digestmod=hashlib.sha256)
    for part in (header, parent, metadata, content):
        mac.update(part)
    return [DELIM, mac.hexdigest().encode(), header, parent, metadata, content]


def header(msg_type, msg_id=None):
    return json.dumps({"msg_id": msg_id or uuid.uuid4().hex, "msg_type": msg_type, "session": "fuzz",
                       "username": "fuzz", "date": "2026-12-02T00:00:00Z", "version": "5.3"}).encode()


def mutations(key, rng, unsigned_ids):
    """Endless stream of bad multipart messages; ids of unsigned execute_requests go into unsigned_ids."""
    while True:
        kind = rng.randrange(9)
        if kind == 0:      # random frames
            yield [rng.randbytes(rng.randrange(0, 200)) for _ in range(rng.randrange(1, 8))]
        elif kind == 1:    # an execute_request with a wrong signature
            msg_id = uuid.uuid4().hex
            unsigned_ids.add(msg_id)
            frames = signed(key, header("execute_request", msg_id),
                            content=json.dumps({"code": "print('UNSIGNED-RAN')", "silent": False}).encode())
            frames[1] = hashlib.sha256(rng.randbytes(8)).hexdigest().encode()
            yield frames
        elif kind == 2:    # no signature at all
            msg_id = uuid.uuid4().hex
            unsigned_ids.add(msg_id)
            yield [DELIM, b"", header("execute_request", msg_id), b"{}", b"{}",
                   json.dumps({"code": "print('UNSIGNED-RAN')"}).encode()]
        elif kind == 3:    # truncated: fewer frames than a message has
            yield signed(key, header("kernel_info_request"))[: rng.randrange(1, 5)]
        elif kind == 4:    # a valid signature over JSON that is not a message
            yield signed(key, b"[1, 2", b"null", b"\xff\xfe", b'{"code": 7}')
        elif kind == 5:    # valid signature, known type, content of the wrong shape
            yield signed(key, header(rng.choice(["complete_request", "inspect_request",
                                                 "comm_msg", "comm_open", "history_request", "is_complete_request"])),
                         content=json.dumps(rng.choice([[], 3, {"code": None}, {"cursor_pos": "x"}, {}])).encode())
        elif kind == 6:    # oversized frame, now and then
            yield [DELIM, b"0" * 64, rng.randbytes(2_000_000 if rng.random() < 0.1 else 20_000)]
        elif kind == 7:    # a signed message whose bytes were flipped afterwards
            frames = signed(key, header("kernel_info_request"))
            i = rng.randrange(2, len(frames))
            b = bytearray(frames[i] or b"x")
            b[rng.randrange(len(b))] ^= 0xFF
            frames[i] = bytes(b)
            yield frames
        else:              # missing delimiter
            yield [header("execute_request"), b"{}", b"{}", b"{}"]


@pytest.fixture(scope="module")
def kernel():
    km = KernelManager(kernel_name=KERNEL_NAME)
    log = open(os.path.join(os.environ.get("TMPDIR", "/tmp"), "fuzz-kernel-%d.log" % os.getpid()), "w+")
    km.start_kernel(stderr=log)
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=60)
    yield km, kc, log
    kc.stop_channels()
    km.shutdown_kernel(now=True)
    log.close()


def test_fuzzed_frames_on_every_socket_are_dropped_and_the_kernel_keeps_serving(kernel):
    km, kc, log = kernel
    info = km.get_connection_info()
    key = info["key"] if isinstance(info["key"], bytes) else info["key"].encode()
    rng = random.Random(20261202)
    unsigned_ids = set()
    ctx = zmq.Context()   # its own: closing fuzz sockets must not touch the client channels' context
    url = "%s://%s:%%d" % (info["transport"], info["ip"])
    sockets = {
        "shell": ctx.socket(zmq.DEALER), "control": ctx.socket(zmq.DEALER), "stdin": ctx.socket(zmq.DEALER),
        "hb": ctx.socket(zmq.DEALER), "iopub": ctx.socket(zmq.XSUB),
    }
    only = os.environ.get("FUZZ_ONLY")
    if only:
        sockets = {k: v for k, v in sockets.items() if k in only.split(",")}
    for name, s in sockets.items():
        s.setsockopt(zmq.LINGER, 0)
        s.connect(url % info[name + "_port"])
    time.sleep(0)   # connect is asynchronous; sends below queue until it completes
    stream = mutations(key, rng, unsigned_ids)
    started = time.time()
    for i in range(FRAMES_PER_SOCKET):
        for name, s in sockets.items():
            frames = next(stream)
            if name == "iopub":   # an XPUB reads (un)subscriptions; give it those and garbage alike
                frames = [rng.choice([b"\x01", b"\x00", b""]) + f for f in frames[:1]] + frames[1:]
            try:
                s.send_multipart(frames, flags=zmq.NOBLOCK)
            except zmq.Again:    # the kernel reads slower than we send: a full queue drops, as a flood would
                pass
        for s in sockets.values():    # drain whatever the kernel answered (hb echoes, errors)
            while s.poll(0):
                s.recv_multipart()
        assert time.time() - started < 300, "fuzzing took too long (%d rounds)" % i
    for s in sockets.values():
        s.close()
    ctx.term()

    # The heartbeat still echoes.
    ping = zmq.Context.instance().socket(zmq.REQ)
    ping.setsockopt(zmq.LINGER, 0)
    ping.connect(url % info["hb_port"])
    ping.send(b"ping-after-fuzz")
    assert ping.poll(10000), "the heartbeat no longer echoes"
    assert ping.recv() == b"ping-after-fuzz"
    ping.close()

    # The kernel still answers on its real channels, and a normal cell runs.
    msg_id = kc.kernel_info()
    reply = kc.get_shell_msg(timeout=60)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=60)
    assert reply["content"]["status"] == "ok"
    assert kc.is_alive()
    reply, outputs = run_cell(kc, "print(6 * 7)", timeout=300)
    assert reply["status"] == "ok", (reply, outputs)
    assert "42" in stdout_of(outputs)
    # Nothing unsigned ran: this is the first execution the kernel counted, and no iopub message
    # ever answered one of the unsigned requests.
    assert reply["execution_count"] == 1, reply
    while True:
        try:
            msg = kc.get_iopub_msg(timeout=0.2)
        except Exception:
            break
        assert msg["parent_header"].get("msg_id") not in unsigned_ids, msg
        assert "UNSIGNED-RAN" not in json.dumps(msg["content"]), msg

    log.flush()
    log.seek(0)
    lines = log.read().splitlines()
    drops = [line for line in lines if "dropped message" in line]
    assert drops, "no drop was logged:\n" + "\n".join(lines[-20:])
    assert len(drops) < 200, "drop lines are not throttled: %d" % len(drops)
    assert key.decode() not in "\n".join(lines), "the HMAC key reached the log"
