"""`python -m bench [NAME…] [--sizes 1000,10000]`: run every `bench/*_bench.py` module's `main`."""

from __future__ import annotations

import argparse
import importlib
import pkgutil

import bench


def main() -> None:
    parser = argparse.ArgumentParser(prog="bench")
    parser.add_argument("names", nargs="*", help="only these modules (e.g. store sync)")
    parser.add_argument("--sizes", default="1000,10000")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",") if s]
    modules = sorted(
        m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.endswith("_bench")
    )
    for name in modules:
        if args.names and name.removesuffix("_bench") not in args.names:
            continue
        importlib.import_module(f"bench.{name}").main(sizes)


if __name__ == "__main__":
    main()
