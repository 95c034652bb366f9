"""The ``iamlab`` command line: ``iamlab simulate ...`` decides one request from policy files."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .policy import PolicyError, evaluate


class UsageError(Exception):
    """Bad input on the command line; reported in one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


def _read_document(value: str, option: str) -> Any:
    """A policy given as a file path, ``-`` for stdin, or inline JSON."""
    if value == "-":
        return sys.stdin.read()
    if value.lstrip().startswith("{"):
        return value
    path = Path(value)
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"{option} {value}: cannot read file ({exc.strerror})") from None


def _context(pairs: Sequence[str]) -> dict[str, Any]:
    """``KEY=VALUE`` pairs; a key given twice becomes a multivalued (list) key."""
    context: dict[str, Any] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise UsageError(
                f"--context {pair!r}: expected KEY=VALUE, e.g. aws:MultiFactorAuthAge=120"
            )
        if key in context:
            previous = context[key]
            context[key] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            context[key] = value
    return context


def _build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="iamlab", description="iamlab: an offline teaching lab for AWS IAM.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    sim = commands.add_parser(
        "simulate",
        help="decide one request from policy documents",
        description="Decide one request the way AWS would and explain why.",
    )
    sim.add_argument("--action", required=True, help="e.g. s3:PutObject")
    sim.add_argument("--resource", default="*", help="resource ARN (default: *)")
    sim.add_argument("--principal", required=True, help="ARN of the caller")
    sim.add_argument(
        "--policy",
        action="append",
        default=[],
        metavar="FILE",
        help="identity-based policy (repeatable; path, - or inline JSON)",
    )
    sim.add_argument(
        "--resource-policy",
        metavar="FILE",
        help="resource-based policy (a role trust policy for sts:AssumeRole)",
    )
    sim.add_argument("--resource-account", help="account that owns the resource")
    sim.add_argument(
        "--boundary", action="append", default=[], metavar="FILE", help="permissions boundary"
    )
    sim.add_argument(
        "--session-policy", action="append", default=[], metavar="FILE", help="session policy"
    )
    sim.add_argument(
        "--scp",
        action="append",
        default=[],
        metavar="FILE",
        help="service control policy; each one is a level, organization root first",
    )
    sim.add_argument(
        "--rcp",
        action="append",
        default=[],
        metavar="FILE",
        help="resource control policy; each one is a level",
    )
    sim.add_argument(
        "--context",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="request context value (repeat a key for a list)",
    )
    sim.add_argument(
        "--json",
        action="store_true",
        help="print the result in the shape of IAM's SimulateCustomPolicy",
    )
    diagrams = commands.add_parser("diagrams", help="regenerate the trust-flow diagrams")
    diagrams.add_argument("--out", default="diagrams", help="output folder")
    return parser


def _simulate(args: argparse.Namespace) -> int:
    def docs(values: Sequence[str], option: str) -> list[Any]:
        return [_read_document(v, option) for v in values]

    decision = evaluate(
        action=args.action,
        resource=args.resource,
        principal=args.principal,
        context=_context(args.context),
        identity_policies=docs(args.policy, "--policy"),
        resource_policy=(
            _read_document(args.resource_policy, "--resource-policy")
            if args.resource_policy
            else None
        ),
        resource_account=args.resource_account,
        permission_boundaries=docs(args.boundary, "--boundary") or None,
        session_policies=docs(args.session_policy, "--session-policy") or None,
        scps=[[d] for d in docs(args.scp, "--scp")] or None,
        rcps=[[d] for d in docs(args.rcp, "--rcp")] or None,
    )
    if args.json:
        result = {"EvaluationResults": [decision.to_simulation_result()], "IsTruncated": False}
        print(json.dumps(result, indent=2))
    else:
        print(decision.explain())
    return 0 if decision else 1


def _diagrams(out: str) -> int:
    try:
        from .diagrams.files import write_diagrams
    except ImportError:
        raise UsageError("this build of iamlab has no diagrams layer yet") from None
    for path in write_diagrams(out):
        print(path)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit status (0 allowed, 1 denied, 2 bad input)."""
    parser = _build_parser()
    try:
        args = parser.parse_args(argv)
        if args.command == "simulate":
            return _simulate(args)
        return _diagrams(args.out)
    except UsageError as exc:
        print(f"iamlab: error: {exc}", file=sys.stderr)
        return 2
    except PolicyError as exc:
        print(f"iamlab: error: MalformedPolicyDocument: {exc}", file=sys.stderr)
        return 2
    except (ValueError, TypeError) as exc:
        print(f"iamlab: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
