"""Wildcard matching: `*` and `?`, case rules, ARN segments, and no backtracking blow-up."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from iamlab.policy.glob import ArnGlob, Glob, escape


def reference(pattern: str, value: str) -> bool:
    """A slow but obviously right matcher: the pattern as a regular expression."""
    regex = "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in pattern)
    return re.fullmatch(regex, value, re.DOTALL) is not None


def test_literal_pattern_matches_only_itself() -> None:
    assert Glob("s3:GetObject").match("s3:GetObject")
    assert not Glob("s3:GetObject").match("s3:GetObjectAcl")


def test_star_spans_any_run_including_slashes() -> None:
    g = Glob("arn:aws:s3:::bucket/*")
    assert g.match("arn:aws:s3:::bucket/a/b/c.txt")
    assert g.match("arn:aws:s3:::bucket/")
    assert not g.match("arn:aws:s3:::bucket")


def test_question_mark_is_exactly_one_character() -> None:
    g = Glob("ec2:?topInstances")
    assert g.match("ec2:StopInstances")
    assert not g.match("ec2:topInstances")
    assert not g.match("ec2:SStopInstances")


def test_case_is_significant_unless_asked() -> None:
    assert not Glob("s3:get*").match("s3:GetObject")
    assert Glob("s3:get*", ignore_case=True).match("S3:GETOBJECT")


def test_escaped_wildcards_match_literally() -> None:
    g = Glob("a" + escape("*") + "b")
    assert g.match("a*b")
    assert not g.match("axb")
    q = Glob("a" + escape("?") + "*")
    assert q.match("a?zzz")
    assert not q.match("abzzz")


def test_many_stars_do_not_backtrack_exponentially() -> None:
    # A backtracking regex engine takes minutes on this; the chunk matcher is instant.
    pattern = "a*" * 40 + "b"
    assert not Glob(pattern).match("a" * 20000)
    assert Glob(pattern).match("a" * 20000 + "b")


def test_arn_parts_are_matched_separately() -> None:
    g = ArnGlob("arn:aws:iam::*:user/${x}")
    assert not g.match("arn:aws:iam::111:user/a")
    g = ArnGlob("arn:aws:iam::*:user/*")
    assert g.match("arn:aws:iam::111122223333:user/division/Richard")
    # `*` in the account part cannot swallow the colon before the resource
    assert not ArnGlob("arn:aws:iam::*").match("arn:aws:iam::111:user/a")
    assert ArnGlob("arn:aws:dynamodb:*:111111111111:table/Books").match(
        "arn:aws:dynamodb:us-east-1:111111111111:table/Books"
    )
    assert not ArnGlob("arn:aws:dynamodb:*:222222222222:table/Books").match(
        "arn:aws:dynamodb:us-east-1:111111111111:table/Books"
    )


def test_resource_part_keeps_its_colons() -> None:
    g = ArnGlob("arn:aws:logs:us-east-1:111:log-group:app:*")
    assert g.match("arn:aws:logs:us-east-1:111:log-group:app:log-stream:x")


def test_star_alone_matches_anything() -> None:
    assert ArnGlob("*").match("arn:aws:s3:::anything")
    assert Glob("*").match("")


@settings(max_examples=400)
@given(st.text(alphabet="ab*?", max_size=10), st.text(alphabet="ab", max_size=12))
def test_matches_the_reference_on_small_alphabets(pattern: str, value: str) -> None:
    assert Glob(pattern).match(value) == reference(pattern, value)


@settings(max_examples=200)
@given(st.text(max_size=30), st.text(max_size=30))
def test_matches_the_reference_on_any_text(pattern: str, value: str) -> None:
    pattern = pattern.replace("\ue000", "").replace("\ue001", "")
    assert Glob(pattern).match(value) == reference(pattern, value)


# ---- long chunks: the bit-set and shift-and searches -------------------------------------

chunk = st.text(alphabet="ab?", min_size=33, max_size=60)


@settings(max_examples=300)
@given(st.lists(chunk, min_size=1, max_size=3), st.text(alphabet="ab", max_size=200))
def test_long_question_mark_chunks_match_the_reference(chunks: list[str], value: str) -> None:
    pattern = "*" + "*".join(chunks) + "*"
    assert Glob(pattern).match(value) == reference(pattern, value)


@settings(max_examples=200)
@given(st.lists(chunk, min_size=1, max_size=2), st.text(alphabet="ab", max_size=120))
def test_long_chunks_match_the_reference_on_non_ascii_values(chunks: list[str], value: str) -> None:
    # a value that is not ASCII takes the shift-and path
    pattern = "*" + "*".join(c.replace("b", "é") for c in chunks) + "*"
    value = value.replace("b", "é") + "ü"
    assert Glob(pattern).match(value) == reference(pattern, value)


@settings(max_examples=200)
@given(
    st.text(alphabet="ab?*", max_size=40).map(lambda p: p + "?" * 35),
    st.text(alphabet="ab", max_size=120),
)
def test_patterns_ending_in_long_chunks_match_the_reference(pattern: str, value: str) -> None:
    assert Glob(pattern).match(value) == reference(pattern, value)


def test_escaped_question_marks_in_long_chunks_are_literal() -> None:
    pattern = "*" + "a" * 20 + escape("?") + "?" * 20 + "*"
    assert Glob(pattern).match("x" + "a" * 20 + "?" + "b" * 20)
    assert not Glob(pattern).match("x" + "a" * 20 + "b" + "b" * 20)


def _slowest_ms(pattern: str, value: str) -> float:
    import time

    g = Glob(pattern)
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        g.match(value)
        best = min(best, time.perf_counter() - start)
    return best * 1000


def test_long_patterns_of_many_chunks_are_fast() -> None:
    """A 2,000-character pattern of `?`/`*` chunks against a 10,000-character value.

    The quadratic chunk search took 0.65-1.2 s on such input; the benchmark
    (benchmarks/policy_engine.py) reports the figure, here a generous bound.
    """
    cases = [
        ("a?c*" * 500, "abc" * 3334),
        ("*" + "a?b*" * 500, "ab" * 5000),
        ("*" + ("a" * 30 + "?") * 64 + "b*", "a" * 10000),
        ("*" + "a?" * 4 + "b*", "a" * 10000),
        ("*" + "?a" * 1000 + "b*", "a" * 10000),
        ("*" + ("?" * 3 + "x*") * 400, "abcx" * 2500),
    ]
    for pattern, value in cases:
        assert len(value) >= 10000
        assert _slowest_ms(pattern, value) < 50, pattern[:40]
