"""Benchmark: generate a region-scale demo (default 1,500 schools, 4 years, csv) and report time.

Usage: .venv/bin/python bench/bench_demo_generate.py [--schools N] [--years Y] [--out DIR]
"""

from __future__ import annotations

import argparse
import resource
import shutil
import tempfile
import time
from pathlib import Path

from msoko.demo.generator import DemoConfig, generate, load_catalog


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--schools", type=int, default=1500)
    parser.add_argument("--years", type=int, default=4)
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="msoko-demo-bench-"))
    config = DemoConfig.for_scale(args.schools, years=args.years, seed=args.seed)
    started = time.perf_counter()
    last = [started]

    def progress(stage: str, done: int, total: int) -> None:
        now = time.perf_counter()
        print(f"[{done:>3}/{total}] {stage:<28} {now - last[0]:6.1f} s", flush=True)
        last[0] = now

    manifest = generate(config, out, catalog=load_catalog(), progress=progress)
    elapsed = time.perf_counter() - started
    rows = sum(f.rows for f in manifest.files)
    size = sum(p.stat().st_size for p in out.iterdir())
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"schools={config.schools} preschools={config.preschools} additional={config.additional} years={config.years}")
    print(f"files={len(manifest.files)} rows={rows:,} size={size / 1e6:.1f} MB time={elapsed:.1f} s peak RSS={peak:.0f} MB")
    if args.out is None:
        shutil.rmtree(out)


if __name__ == "__main__":
    main()
