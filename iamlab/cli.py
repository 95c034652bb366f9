"""The ``iamlab`` command line: ``iamlab simulate ...`` decides one request from policy files."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .policy import Policy, PolicyError, evaluate, parse_policy
from .policy.evaluation import resource_policy_kind


class UsageError(Exception):
    """Bad input on the command line; reported in one line, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        # an unknown option is reported as unknown, never taken for the option it starts like
        kwargs.setdefault("allow_abbrev", False)
        super().__init__(*args, **kwargs)

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(message)


class _Source:
    """Where a policy argument came from, for error messages and policy names."""

    def __init__(self, option: str, value: str) -> None:
        self.option = option
        self.value = value
        self.inline = value.lstrip().startswith(("{", "["))
        self.stdin = value == "-"

    @property
    def shown(self) -> str:
        if self.stdin:
            return f"{self.option} - (standard input)"
        if self.inline:
            return f"{self.option} (inline JSON)"
        return f"{self.option} {self.value}"

    def name(self, index: int | None) -> str | None:
        """The policy's name in explanations: its file (and position in a JSON array)."""
        if self.inline or self.stdin:
            return None
        return self.value if index is None else f"{self.value}[{index}]"


def _read_text(source: _Source) -> str:
    if source.stdin:
        return sys.stdin.read()
    if source.inline:
        return source.value
    try:
        return Path(source.value).read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(
            f"{source.shown}: cannot read file: not UTF-8 text (byte {exc.start})"
        ) from None
    except OSError as exc:
        raise UsageError(f"{source.shown}: cannot read file ({exc.strerror})") from None


def _read_documents(value: str, option: str, kind: str, many: bool = True) -> list[Policy]:
    """The policies one argument gives: a file path, ``-`` for stdin, or inline JSON.

    A JSON array gives several policies (where the option takes a list); each is
    validated here, so an error names the file (or the inline argument) it is in.
    """
    source = _Source(option, value)
    text = _read_text(source)
    docs: list[tuple[int | None, Any]]
    if text.lstrip().startswith("["):
        try:
            items = json.loads(text)
        except ValueError as exc:
            detail = (
                f": {exc.msg} at line {exc.lineno} column {exc.colno}"
                if isinstance(exc, json.JSONDecodeError)
                else ""
            )
            raise UsageError(
                f"{source.shown}: MalformedPolicyDocument: "
                f"This policy contains invalid Json{detail}"
            ) from None
        if not many:
            raise UsageError(f"{source.shown}: takes one policy document, not a JSON array")
        if not isinstance(items, list) or not items:
            raise UsageError(f"{source.shown}: a JSON array of policies must not be empty")
        docs = list(enumerate(items))
    else:
        docs = [(None, text)]
    policies = []
    for index, doc in docs:
        if isinstance(doc, (dict, str)):
            try:
                policies.append(parse_policy(doc, kind, name=source.name(index)))
                continue
            except PolicyError as exc:
                where = source.shown if index is None else f"{source.shown}, policy {index + 1}"
                raise UsageError(f"{where}: MalformedPolicyDocument: {exc}") from None
        raise UsageError(
            f"{source.shown}: policy {index + 1 if index is not None else 1} is not a JSON object"
        )
    return policies


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
    sim.add_argument(
        "--principal",
        required=True,
        help="ARN of the caller, a service such as ec2.amazonaws.com, or 'anonymous'",
    )
    sim.add_argument(
        "--policy",
        action="append",
        default=[],
        metavar="FILE",
        help="identity-based policy (repeatable; a path, - or inline JSON; "
        "a JSON array gives several)",
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
        help="service control policies: each --scp is one level (organization root first); "
        "a JSON array gives the level's several policies",
    )
    sim.add_argument(
        "--rcp",
        action="append",
        default=[],
        metavar="FILE",
        help="resource control policies: each --rcp is one level; a JSON array gives several",
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
    def docs(values: Sequence[str], option: str, kind: str) -> list[Policy]:
        return [p for v in values for p in _read_documents(v, option, kind)]

    rp = None
    if args.resource_policy:
        kind = resource_policy_kind(args.action, args.resource)
        (rp,) = _read_documents(args.resource_policy, "--resource-policy", kind, many=False)
    decision = evaluate(
        action=args.action,
        resource=args.resource,
        principal=args.principal,
        context=_context(args.context),
        identity_policies=docs(args.policy, "--policy", "identity"),
        resource_policy=rp,
        resource_account=args.resource_account,
        permission_boundaries=docs(args.boundary, "--boundary", "boundary") or None,
        session_policies=docs(args.session_policy, "--session-policy", "session") or None,
        scps=[_read_documents(v, "--scp", "scp") for v in args.scp] or None,
        rcps=[_read_documents(v, "--rcp", "rcp") for v in args.rcp] or None,
    )
    if args.json:
        result = {"EvaluationResults": [decision.to_simulation_result()], "IsTruncated": False}
        _print(json.dumps(result, indent=2))
    else:
        _print(decision.explain())
    return 0 if decision else 1


def _print(text: str) -> None:
    """Print to stdout; a reader that closed the pipe (``| head``) is not an error."""
    try:
        print(text)
        sys.stdout.flush()
    except BrokenPipeError:
        # Python would report the pipe again when it flushes stdout at exit: point
        # stdout at /dev/null first (the recipe in Python's signal module docs)
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):
            pass


def _diagrams(out: str) -> int:
    try:
        from .diagrams.files import write_diagrams
    except ImportError:
        raise UsageError("this build of iamlab has no diagrams layer yet") from None
    for path in write_diagrams(out):
        _print(str(path))
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
