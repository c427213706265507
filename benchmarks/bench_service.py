"""The HTTP service under load, on loopback (targets on a 2-core machine: >= 2,000 ``delais``
requests per second, p99 under 25 ms at 32 clients, no 5xx).

Run by hand (it starts ``ppaip-rules serve`` on a free loopback port and stops it):

    python benchmarks/bench_service.py [--seconds 3] [--max-requests 20000]

For ``POST /v1/delais/END-BILAN-IND`` and ``POST /v1/controles/programme`` (the example
proposal), at 1, 8 and 32 concurrent clients (keep-alive connections driven by one
asyncio load generator, a minimal HTTP/1.1 client so that the generator costs little):
requests per second, p50 and p99 latency, and the count of 5xx. Each run is bounded in
time (``--seconds``) and count (``--max-requests``), whichever comes first.

Then, in the same run, the cost of one programme check three ways: a ``ppaip-rules check``
process (median of 5), one request to the service (median of 200 sequential requests),
and in-process ``run_check`` (median of 2,000 calls), with the ratios.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "ppaip_rules" / "examples" / "programme.conforme.json"
DEADLINE = json.dumps({"trigger": "07/05/2025", "act": "2025-05-16"}).encode()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-m", "ppaip_rules.cli", "serve", "--port",
                                str(port)], cwd=ROOT, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    for _ in range(300):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/sante", timeout=1).read()
            return process
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("le service n'a pas démarré")


def request_bytes(path: str, body: bytes) -> bytes:
    return (f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode() + body


async def one_client(port: int, payload: bytes, stop_at: float, budget: list[int],
                     latencies: list[float], statuses: list[int]) -> None:
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.perf_counter() < stop_at and budget[0] > 0:
            budget[0] -= 1
            started = time.perf_counter()
            writer.write(payload)
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            if length:
                await reader.readexactly(length)
            else:  # chunked: not used by these routes
                raise SystemExit("réponse sans longueur")
            latencies.append(time.perf_counter() - started)
            statuses.append(status)
    finally:
        writer.close()


async def load(port: int, payload: bytes, clients: int, seconds: float, max_requests: int):
    latencies: list[float] = []
    statuses: list[int] = []
    budget = [max_requests]
    started = time.perf_counter()
    stop_at = started + seconds
    await asyncio.gather(*(one_client(port, payload, stop_at, budget, latencies, statuses)
                           for _ in range(clients)))
    elapsed = time.perf_counter() - started
    return latencies, statuses, elapsed


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--max-requests", type=int, default=20_000)
    args = parser.parse_args()

    port = free_port()
    server = start_server(port)
    programme = EXAMPLE.read_bytes()
    routes = {"delais": request_bytes("/v1/delais/END-BILAN-IND", DEADLINE),
              "controles/programme": request_bytes("/v1/controles/programme", programme)}
    try:
        asyncio.run(load(port, routes["delais"], 4, 0.5, 500))  # warm-up
        print(f"Service sur 127.0.0.1:{port} ; {os.cpu_count()} cœurs ; au plus "
              f"{args.seconds:g} s et {args.max_requests} requêtes par mesure.\n")
        print(f"{'route':<22} {'clients':>7} {'requêtes':>9} {'req/s':>8} {'p50 ms':>8} "
              f"{'p99 ms':>8} {'5xx':>5}")
        for name, payload in routes.items():
            for clients in (1, 8, 32):
                latencies, statuses, elapsed = asyncio.run(
                    load(port, payload, clients, args.seconds, args.max_requests))
                errors = sum(1 for s in statuses if s >= 500)
                assert all(s == 200 for s in statuses), sorted(set(statuses))
                print(f"{name:<22} {clients:>7} {len(latencies):>9} "
                      f"{len(latencies) / elapsed:>8.0f} "
                      f"{percentile(latencies, 0.5) * 1000:>8.2f} "
                      f"{percentile(latencies, 0.99) * 1000:>8.2f} {errors:>5}")

        # One programme check, three ways, in the same run.
        cli = []
        for _ in range(5):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-m", "ppaip_rules.cli", "check", "programme",
                            str(EXAMPLE), "--format", "json"], cwd=ROOT, capture_output=True,
                           check=False)
            cli.append(time.perf_counter() - started)
        service, _, _ = asyncio.run(load(port, routes["controles/programme"], 1, 30, 200))
        sys.path.insert(0, str(ROOT))
        from ppaip_rules import run_check

        data = json.loads(programme)
        in_process = []
        for _ in range(2000):
            started = time.perf_counter()
            run_check("programme", data)
            in_process.append(time.perf_counter() - started)
        c, s, p = (statistics.median(x) for x in (cli, service, in_process))
        print("\nUn contrôle de programme (médianes) :")
        print(f"  ligne de commande : {c * 1000:9.1f} ms")
        print(f"  service HTTP      : {s * 1000:9.3f} ms  (CLI / service : {c / s:,.0f})")
        print(f"  dans le processus : {p * 1000:9.3f} ms  (service / processus : {s / p:,.1f} ; "
              f"CLI / processus : {c / p:,.0f})")
    finally:
        server.terminate()
        server.wait(timeout=30)


if __name__ == "__main__":
    main()
