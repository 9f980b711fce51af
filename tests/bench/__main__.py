"""Measure linli's pages against a bare Litestar page, side by side.

    uv run python -m tests.bench                       # a fresh SQLite demo, one worker
    uv run python -m tests.bench --instance DIR        # an instance prepared before
    uv run python -m tests.bench --database-url postgres://postgres@127.0.0.1:5432/linli_bench
    uv run python -m tests.bench --json after.json --compare before.json
    uv run python -m tests.bench --results after.json --compare before.json   # no load

For each page: the reference page is loaded, then the linli page, then the reference
again before the next page…, so that each ratio compares two measurements taken
moments apart on the same machine. See docs/performance.md.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from linli.kernel.settings import load_settings

from .load import REPOSITORY, Load, run_wrk, serve_linli, serve_reference, wrk_path
from .pages import PAGES, Page
from .probe import Probe, cookie_header, probe_pages

DEMO_SLUG = "jianghanli"
REFERENCE_PATH = "/people"


def _options(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m tests.bench",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--instance", type=Path, help="a prepared instance folder (with the demo community)"
    )
    source.add_argument(
        "--folder",
        type=Path,
        help="where to build (or reuse) the demo instance (default: a new temporary folder)",
    )
    parser.add_argument(
        "--database-url",
        default="",
        help="database of a newly built demo, e.g. postgres://postgres@127.0.0.1:5432/linli_bench "
        "(created beforehand, empty); default SQLite in the folder",
    )
    parser.add_argument("--community", default=DEMO_SLUG, help="slug of the measured community")
    parser.add_argument("--workers", type=int, default=1, help="passed to `linli serve --workers`")
    parser.add_argument("--duration", type=float, default=10, help="seconds per measurement")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of load before each")
    parser.add_argument("--connections", type=int, default=16, help="wrk's open connections")
    parser.add_argument("--threads", type=int, default=1, help="wrk's threads")
    parser.add_argument(
        "--only", default="", help="pages to measure, by key: " + ",".join(p.key for p in PAGES)
    )
    parser.add_argument(
        "--no-page-cache",
        action="store_true",
        help="serve linli with page_cache_mb = 0: every request renders its page",
    )
    parser.add_argument("--json", type=Path, help="write every result to this file")
    parser.add_argument("--compare", type=Path, help="print this earlier --json run beside")
    parser.add_argument(
        "--results", type=Path, help="print this --json file instead of measuring (with --compare)"
    )
    return parser.parse_args(argv)


def _pages(only: str) -> list[Page]:
    if not only:
        return list(PAGES)
    wanted = [key.strip() for key in only.split(",") if key.strip()]
    known = {page.key: page for page in PAGES}
    unknown = [key for key in wanted if key not in known]
    if unknown:
        raise SystemExit(f"unknown page(s) {', '.join(unknown)}; known: {', '.join(known)}")
    return [known[key] for key in wanted]


def _build_demo(folder: Path, database_url: str) -> Path:
    """`linli demo --no-serve`: create or reuse the demo instance in ``folder``."""
    command = [sys.executable, "-m", "linli", "demo", "--folder", str(folder), "--no-serve"]
    if database_url:
        command += ["--database-url", database_url]
    print(f"preparing the demo instance in {folder} …", flush=True)
    subprocess.run(command, check=True, cwd=REPOSITORY, stdout=subprocess.DEVNULL)
    return folder


def _commit() -> str:
    result = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=REPOSITORY
    )
    dirty = subprocess.run(
        ["git", "status", "--porcelain", "--untracked-files=no"],
        capture_output=True,
        text=True,
        cwd=REPOSITORY,
    ).stdout.strip()
    return result.stdout.strip() + ("+changes" if dirty else "")


def _measure(url: str, cookie: str, options: argparse.Namespace) -> Load:
    settings = {"connections": options.connections, "threads": options.threads}
    if options.warmup > 0:
        run_wrk(url, cookie=cookie, seconds=options.warmup, **settings)
    return run_wrk(url, cookie=cookie, seconds=options.duration, **settings)


HEADER = (
    f"{'page':<30} {'ref req/s':>9} {'req/s':>8} {'ratio':>6} {'p50 ms':>7} {'p99 ms':>7} "
    f"{'queries':>7} {'bytes':>7} {'gzip':>6}  note"
)


def _row(result: dict[str, Any]) -> str:
    linli, reference = result["linli"], result["reference"]
    note = []
    if result["status"] != 200:
        note.append(f"status {result['status']} {result['location']}".strip())
    if not linli["requests"]:
        note.append("no answer within the measurement: lengthen --duration")
    if linli["bad_status"] or linli["errors"]:
        note.append(f"{linli['bad_status']} bad status, {linli['errors']} socket errors")
    return (
        f"{result['title']:<30} {reference['rps']:>9.0f} {linli['rps']:>8.1f} "
        f"{result['ratio']:>5.2f}× {linli['p50_ms']:>7.1f} {linli['p99_ms']:>7.1f} "
        f"{result['queries']:>7} {result['bytes']:>7} {result['gzip_bytes']:>6}  {'; '.join(note)}"
    )


def measure(options: argparse.Namespace) -> dict[str, Any]:
    wrk_path()  # fail early, with how to install it
    pages = _pages(options.only)
    if options.instance:
        instance = options.instance.resolve()
    else:
        folder = options.folder or Path(tempfile.mkdtemp(prefix="linli-bench-"))
        instance = _build_demo(folder.resolve(), options.database_url)
    settings = load_settings(instance)
    if options.workers > 1 and settings.database_url.startswith("sqlite"):
        raise SystemExit("several workers need PostgreSQL (linli serve refuses SQLite with them)")

    print("counting each page's queries in-process …", flush=True)
    probed = asyncio.run(probe_pages(instance, options.community, pages))
    broken = [key for key, probe in probed.probes.items() if probe.status != 200]
    if broken:
        print(f"warning: not 200 in-process: {', '.join(broken)}", file=sys.stderr)

    logs = Path(tempfile.mkdtemp(prefix="linli-bench-logs-"))
    linli = serve_linli(instance, options.workers, logs, page_cache=not options.no_page_cache)
    reference = serve_reference(settings.database_url, options.workers, logs)
    results: list[dict[str, Any]] = []
    started = time.monotonic()
    try:
        linli.wait_ready("/healthz")
        reference.wait_ready(REFERENCE_PATH)
        print(
            f"\nlinli at {linli.base}, reference at {reference.base}; {options.workers} worker(s), "
            f"{options.connections} connections, {options.duration:g} s per measurement, "
            f"page cache {'off' if options.no_page_cache else 'on'} "
            f"(server logs in {logs})\n"
        )
        print(HEADER, flush=True)
        for page in pages:
            probe: Probe = probed.probes[page.key]
            cookie = probed.cookies.get(page.account, "") if page.account else ""
            ref = _measure(reference.base + REFERENCE_PATH, "", options)
            own = _measure(linli.base + probe.url, cookie_header(cookie), options)
            result = {
                "key": page.key,
                "title": page.title,
                "account": page.account,
                "url": probe.url,
                "status": probe.status,
                "location": probe.location,
                "queries": probe.queries,
                "bytes": probe.bytes,
                "gzip_bytes": probe.gzip_bytes,
                "linli": own.as_dict(),
                "reference": ref.as_dict(),
                "ratio": round(own.rps / ref.rps, 3) if ref.rps else 0.0,
            }
            results.append(result)
            print(_row(result), flush=True)
    finally:
        linli.stop()
        reference.stop()
    return {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": _commit(),
        "database": settings.database_url.split(":", 1)[0],
        "instance": str(instance),
        "community": options.community,
        "workers": options.workers,
        "page_cache": not options.no_page_cache,
        "connections": options.connections,
        "threads": options.threads,
        "duration": options.duration,
        "warmup": options.warmup,
        "python": platform.python_version(),
        "machine": f"{platform.machine()}, {_cores()} cores",
        "elapsed_seconds": round(time.monotonic() - started),
        "pages": results,
    }


def _cores() -> int:
    import os

    return os.cpu_count() or 0


def print_results(run: dict[str, Any]) -> None:
    print(
        f"\ncommit {run['commit']}, {run['database']}, {run['workers']} worker(s), "
        f"page cache {'on' if run.get('page_cache', False) else 'off'}, "
        f"{run['connections']} connections, {run['duration']:g} s each, {run['when']}"
    )
    print(HEADER)
    for result in run["pages"]:
        print(_row(result))


def markdown(run: dict[str, Any]) -> str:
    """The run as the table of docs/performance.md."""
    lines = [
        "| page | reference req/s | linli req/s | ratio | p50 ms | p99 ms | queries "
        "| bytes | gzip |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in run["pages"]:
        lines.append(
            f"| {r['title']} | {r['reference']['rps']:,.0f} | {r['linli']['rps']:,.1f} "
            f"| {r['ratio']:.2f}× | {r['linli']['p50_ms']:.0f} | {r['linli']['p99_ms']:.0f} "
            f"| {r['queries']} | {r['bytes']:,} | {r['gzip_bytes']:,} |"
        )
    return "\n".join(lines)


def compare(old: dict[str, Any], new: dict[str, Any]) -> None:
    before = {result["key"]: result for result in old["pages"]}
    print(f"\nbefore: commit {old['commit']} ({old['when']}); after: commit {new['commit']}")
    print(
        f"{'page':<30} {'req/s':>15} {'ratio':>13} {'p50 ms':>15} {'p99 ms':>15} "
        f"{'queries':>9} {'bytes':>15}"
    )
    for result in new["pages"]:
        was = before.get(result["key"])
        if was is None:
            print(f"{result['title']:<30} (not in the earlier run)")
            continue

        def pair(a: float, b: float, digits: int = 0) -> str:
            return f"{a:.{digits}f} → {b:.{digits}f}"

        print(
            f"{result['title']:<30} "
            f"{pair(was['linli']['rps'], result['linli']['rps']):>15} "
            f"{pair(was['ratio'], result['ratio'], 2):>13} "
            f"{pair(was['linli']['p50_ms'], result['linli']['p50_ms'], 1):>15} "
            f"{pair(was['linli']['p99_ms'], result['linli']['p99_ms'], 1):>15} "
            f"{pair(was['queries'], result['queries']):>9} "
            f"{pair(was['bytes'], result['bytes']):>15}"
        )


def main(argv: list[str] | None = None) -> None:
    options = _options(argv)
    if options.results:
        run = json.loads(options.results.read_text(encoding="utf-8"))
    else:
        run = measure(options)
    print_results(run)
    print("\n" + markdown(run))
    if options.json and not options.results:
        options.json.write_text(json.dumps(run, ensure_ascii=False, indent=2) + "\n", "utf-8")
        print(f"\nresults written to {options.json}")
    if options.compare:
        compare(json.loads(options.compare.read_text(encoding="utf-8")), run)


if __name__ == "__main__":
    main()
