"""Serving linli and the reference app, and loading them with wrk."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import IO

REPOSITORY = Path(__file__).resolve().parents[2]
REPORT_SCRIPT = Path(__file__).with_name("report.lua")
INSTALL_WRK = (
    "wrk is not installed: the benchmark loads the servers with it. "
    "On Debian/Ubuntu: `sudo apt-get install wrk`; elsewhere see https://github.com/wg/wrk"
)


def wrk_path() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise SystemExit(INSTALL_WRK)
    return found


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    """A server process started by the benchmark (its own process group, so that
    stopping it stops uvicorn's workers too)."""

    name: str
    process: subprocess.Popen[bytes]
    port: int
    log: IO[bytes]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def wait_ready(self, path: str, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"{self.name} stopped at start-up; see {self.log.name}")
            try:
                with urllib.request.urlopen(self.base + path, timeout=5) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.3)
        raise SystemExit(f"{self.name} did not answer {path} within {timeout:.0f} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


def start(name: str, arguments: list[str], logs: Path, env: dict[str, str] | None = None) -> Server:
    port = free_port()
    log = (logs / f"{name}.log").open("wb")
    process = subprocess.Popen(
        [sys.executable, *arguments, "--port", str(port)],
        cwd=REPOSITORY,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env={**os.environ, **(env or {})},
    )
    return Server(name=name, process=process, port=port, log=log)


def serve_linli(instance: Path, workers: int, logs: Path, *, page_cache: bool = True) -> Server:
    """`linli --instance DIR serve --workers N`, exactly as an operator starts it (with
    ``LINLI_PAGE_CACHE_MB=0`` when ``page_cache`` is off)."""
    return start(
        "linli",
        ["-m", "linli", "--instance", str(instance), "serve", "--workers", str(workers)],
        logs,
        env=None if page_cache else {"LINLI_PAGE_CACHE_MB": "0"},
    )


def serve_reference(database_url: str, workers: int, logs: Path) -> Server:
    return start(
        "reference",
        ["-m", "tests.bench.reference", "--database-url", database_url, "--workers", str(workers)],
        logs,
    )


@dataclass(frozen=True)
class Load:
    """What wrk measured: requests per second and latency percentiles."""

    requests: int
    seconds: float
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    bad_status: int

    def as_dict(self) -> dict[str, float | int]:
        return {
            "requests": self.requests,
            "seconds": round(self.seconds, 2),
            "rps": round(self.rps, 1),
            "p50_ms": round(self.p50_ms, 2),
            "p99_ms": round(self.p99_ms, 2),
            "errors": self.errors,
            "bad_status": self.bad_status,
        }


def run_wrk(url: str, *, cookie: str, seconds: float, connections: int, threads: int) -> Load:
    command = [
        wrk_path(),
        f"--threads={threads}",
        f"--connections={connections}",
        f"--duration={max(1, round(seconds))}s",
        "--timeout=10s",
        "--latency",
        f"--script={REPORT_SCRIPT}",
    ]
    if cookie:
        command += ["--header", f"Cookie: {cookie}"]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout
    line = next((row for row in output.splitlines() if row.startswith("BENCH ")), None)
    if line is None:
        raise SystemExit(f"wrk printed no report for {url}:\n{output}")
    figures = json.loads(line.removeprefix("BENCH "))
    elapsed = figures["duration_us"] / 1e6
    errors = sum(figures[key] for key in ("connect", "read", "write", "timeout"))
    return Load(
        requests=figures["requests"],
        seconds=elapsed,
        rps=figures["requests"] / elapsed if elapsed else 0.0,
        p50_ms=figures["p50_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
        errors=errors,
        bad_status=figures["status"],
    )
