#!/usr/bin/env python3
"""The agent's memory while unauthenticated senders push bodies at it (a measurement, not a test).

Starts `reconsolectl serve` on a scratch SQLite file, then, one after the other:
  partial_50mb_bodies  ten connections announce 50 MB bodies (Content-Length) and keep sending;
  chunked_50mb_bodies  ten connections send 50 MB chunked bodies;
  partial_1mib_bodies  N connections (--connections, default 1000) announce bodies just within
                       the 1 MiB route limit and send all but the last byte.
and prints the agent's resident memory (VmRSS, sampled every 20 ms) before and at peak, as JSON.

    python3 tests/webhooks/rss_under_attack.py build/app/reconsolectl
"""
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


class Sampler:
    def __init__(self, pid):
        self.pid, self.peak, self.running = pid, 0, True
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while self.running:
            self.peak = max(self.peak, rss_kb(self.pid))
            time.sleep(0.02)

    def stop(self):
        self.running = False
        self.thread.join()
        return self.peak


def attack(pid, port, connections, head, chunk, total_per_connection, seconds):
    """Opens the connections, sends `head`, then `chunk`s until each has sent its total, the
    agent closes the connection, or `seconds` pass. Returns peak RSS (kB), bytes the kernel took
    from us (the agent reads only what its limits allow; the rest is refused with the socket), answers."""
    sampler = Sampler(pid)
    socks = []
    for _ in range(connections):
        s = socket.create_connection(("127.0.0.1", port))
        s.setblocking(False)
        try:
            s.send(head)
        except OSError:
            pass
        socks.append([s, 0, b"", False])
    deadline = time.time() + seconds
    while time.time() < deadline:
        progressed = False
        for entry in socks:
            s, sent, _, closed = entry
            if sent >= total_per_connection or closed:
                continue
            try:
                n = s.send(chunk[: min(len(chunk), total_per_connection - sent)])
                entry[1] += n
                progressed = progressed or n > 0
            except (BlockingIOError, InterruptedError):
                pass
            except OSError:
                entry[3] = True  # closed by the agent
            try:
                data = s.recv(4096)
                entry[2] += data
            except (BlockingIOError, InterruptedError):
                pass
            except OSError:
                pass
        if not progressed:
            time.sleep(0.01)
    time.sleep(0.5)
    peak = sampler.stop()
    statuses = {}
    for s, _, answer, _ in socks:
        try:
            answer += s.recv(4096)
        except OSError:
            pass
        m = re.match(rb"HTTP/1\.1 (\d+)", answer)
        key = m.group(1).decode() if m else "none"
        statuses[key] = statuses.get(key, 0) + 1
        s.close()
    return peak, sum(e[1] for e in socks), statuses


def main():
    ctl = sys.argv[1] if len(sys.argv) > 1 else "build/app/reconsolectl"
    connections = 1000
    if "--connections" in sys.argv:
        connections = int(sys.argv[sys.argv.index("--connections") + 1])
    work = tempfile.mkdtemp()
    subprocess.run([ctl, "migrate", "--database", f"sqlite:{work}/agent.sqlite"], check=True,
                   stdout=subprocess.DEVNULL)
    agent = subprocess.Popen(
        [ctl, "serve", "--port", "0", "--sync-interval", "0", "--database", f"sqlite:{work}/agent.sqlite"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    line = agent.stdout.readline().decode()
    port = int(re.search(r"127\.0\.0\.1:(\d+)", line).group(1))
    time.sleep(0.5)
    result = {"baseline_rss_mb": round(rss_kb(agent.pid) / 1024, 1)}
    fifty = 50 * 1024 * 1024
    chunk = b"x" * 65536
    head = (b"POST /webhooks/stripe HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            b"Stripe-Signature: t=1,v1=00\r\nContent-Length: %d\r\n\r\n" % fifty)
    peak, taken, statuses = attack(agent.pid, port, 10, head, chunk, fifty - 1, 8)
    result["partial_50mb_bodies"] = {"connections": 10, "peak_rss_mb": round(peak / 1024, 1),
                                     "bytes_sent": taken, "answers": statuses}
    chunked_head = (b"POST /webhooks/stripe HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n")
    chunk_frame = b"10000\r\n" + chunk + b"\r\n"
    peak, taken, statuses = attack(agent.pid, port, 10, chunked_head, chunk_frame, fifty, 8)
    result["chunked_50mb_bodies"] = {"connections": 10, "peak_rss_mb": round(peak / 1024, 1),
                                     "bytes_sent": taken, "answers": statuses}
    mib = 1024 * 1024
    head = (b"POST /webhooks/stripe HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n\r\n" % mib)
    peak, taken, statuses = attack(agent.pid, port, connections, head, chunk, mib - 1, 15)
    result["partial_1mib_bodies"] = {"connections": connections, "peak_rss_mb": round(peak / 1024, 1),
                                     "bytes_sent": taken, "answers": statuses}
    result["after_rss_mb"] = round(rss_kb(agent.pid) / 1024, 1)
    agent.terminate()
    agent.wait(10)
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
