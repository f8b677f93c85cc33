"""`python -m benchmarks [--quick] [--only geoparse,import,api,browser]`: measure, print, save."""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
import time
from pathlib import Path

from benchmarks import report
from benchmarks.report import BENCH_DIR, WORK_DIR, Results

PARTS = ("geoparse", "import", "api", "browser")
log = logging.getLogger("benchmarks")


def _part(name: str):
    if name == "geoparse":
        from benchmarks import geoparse_bench as module
    elif name == "import":
        from benchmarks import import_bench as module
    elif name == "api":
        from benchmarks import api_bench as module
    else:
        from benchmarks import browser_bench as module
    return module.run


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes, under a minute")
    parser.add_argument("--only", default=",".join(PARTS),
                        help=f"comma-separated parts to run, of: {', '.join(PARTS)}")
    parser.add_argument("--seed", type=int, default=1, help="corpus seed (default 1)")
    parser.add_argument("--out", type=Path, default=BENCH_DIR, help="where to write the JSON")
    args = parser.parse_args(argv)
    parts = [p.strip() for p in args.only.split(",") if p.strip()]
    unknown = sorted(set(parts) - set(PARTS))
    if unknown:
        parser.error(f"unknown part(s) {', '.join(unknown)}; choose from {', '.join(PARTS)}")
    logging.basicConfig(level=logging.INFO, format="bench: %(message)s", stream=sys.stderr)

    WORK_DIR.mkdir(parents=True, exist_ok=True)
    results = Results(quick=args.quick)
    start = time.perf_counter()
    try:
        for name in parts:
            log.info("%s…", name)
            t0 = time.perf_counter()
            try:
                _part(name)(results, args.quick, args.seed)
            except Exception as exc:  # noqa: BLE001 - report the failure, run the other parts
                log.exception("%s failed", name)
                results.errors.append(f"{name}: {exc!r}")
            results.seconds[name] = round(time.perf_counter() - t0, 2)
    finally:
        shutil.rmtree(WORK_DIR, ignore_errors=True)
    results.seconds["total"] = round(time.perf_counter() - start, 2)

    sys.stdout.write(report.table(results) + "\n")
    for note in results.notes:
        sys.stdout.write(f"- {note}\n")
    for error in results.errors:
        sys.stdout.write(f"! {error}\n")
    path = report.write(results, args.out)
    kind = "quick" if args.quick else "full"
    sys.stdout.write(f"\n{kind} run in {results.seconds['total']:.1f} s; "
                     f"saved {path} and {path.parent / 'latest.json'}\n")
    return 1 if results.errors else 0


if __name__ == "__main__":
    sys.exit(main())
