"""``python -m tools.site build | pin | serve``: the static JupyterLite site of the lab."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import OUT, npm
from .wheels import WHEELS_TXT


def _pin() -> None:
    from .lock import upstream_versions
    from .wheels import pin

    modules = npm.node_modules()
    lock = json.loads((modules / "pyodide" / "pyodide-lock.json").read_text())
    WHEELS_TXT.write_text(pin(upstream_versions(lock), lock["info"]["python"]))
    print(f"wrote {WHEELS_TXT}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.site", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    build = sub.add_parser("build", help="build the site (default: _site/)")
    build.add_argument("--out", type=Path, default=OUT)
    build.add_argument("--force", action="store_true", help="rebuild even if up to date")
    sub.add_parser("pin", help="resolve site/wheels.in into site/wheels.txt (needs PyPI)")
    serve = sub.add_parser("serve", help="serve a built site on 127.0.0.1")
    serve.add_argument("--dir", type=Path, default=OUT)
    serve.add_argument("--port", type=int, default=8000)
    args = parser.parse_args(argv)
    if args.command == "pin":
        _pin()
    elif args.command == "build":
        from .build import build as run_build

        run_build(args.out, force=args.force)
    else:
        from .serve import serve_forever

        serve_forever(args.dir, args.port)
    return 0


if __name__ == "__main__":
    sys.exit(main())
