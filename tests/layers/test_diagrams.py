"""Trust-flow diagrams: drawn from the lab, decided by the engine, readable in a 900 px column.

The fit tests measure the SVG exactly as graphviz-pure writes it (``iamlab.diagrams.fit``
explains the text-box approximation): natural width, smallest text once fitted, and
labels that overlap another label, a node or another edge's line.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from iamlab.diagrams import (
    Edge,
    Node,
    TrustFlow,
    draw,
    lab_diagram,
    lab_flow,
    story_diagram,
    trail_calls,
    trust_flow,
)
from iamlab.diagrams.files import story_diagrams
from iamlab.diagrams.fit import measure, text_width
from iamlab.diagrams.style import DECISION_COLOURS, LEGEND
from iamlab.diagrams.words import condition_words
from iamlab.scenarios import (
    build_confused_deputy,
    build_cross_account,
    build_resource_policy_s3,
    build_revoking,
    build_same_account_ec2,
    build_self_managed_mfa,
)
from iamlab.scenarios import stories as S

ROOT = Path(__file__).resolve().parents[2]
A, B = "111111111111", "222222222222"
RICHARD = f"{B}_user_Richard"
ROLE = f"{A}_role_CrossAccountRole"


@pytest.fixture
def cross():
    return build_cross_account()


def _edges(flow: TrustFlow, kind: str) -> list[Edge]:
    return [e for e in flow.edges if e.kind == kind]


# ---- the model and the picture ---------------------------------------------------------
def test_a_tiny_flow_renders_to_svg_and_png() -> None:
    flow = TrustFlow("t", {A: "A"})
    flow.add_node(Node("u", "Anaya", "user", A))
    flow.add_node(Node("r", "Role", "role", A))
    flow.add_edge(Edge("u", "r", "call", "AssumeRole", "allowed"))
    d = draw(flow)
    assert d.svg().startswith("<?xml") and "Anaya" in d.svg()
    assert d.png().startswith(b"\x89PNG")
    assert repr(d) == "<Diagram: t>"  # no memory address
    assert d.text() == "Trust-flow diagram: t [A] - Anaya AssumeRole Role: allowed"


def test_unknown_kinds_are_refused() -> None:
    with pytest.raises(ValueError, match="unknown node kind"):
        Node("x", "x", "wizard")
    with pytest.raises(ValueError, match="unknown decision"):
        Edge("a", "b", "call", decision="maybe")


def test_the_svg_scales_down_with_its_container_and_keeps_its_viewbox(cross) -> None:
    d = story_diagram(cross, cross.play())
    head = d.svg()[: d.svg().index(">", d.svg().index("<svg")) + 1]
    assert 'style="max-width: 100%; height: auto"' in head
    assert "viewBox=" in head and re.search(r'width="[\d.]+pt"', head)
    assert d.svg().replace(' style="max-width: 100%; height: auto"', "", 1) == d.raw_svg()


def test_the_text_form_says_what_the_picture_shows(cross) -> None:
    """Where a picture is not shown (an untrusted notebook), one line says what it shows."""
    d = story_diagram(cross, cross.play("wrong code"))
    bundle = d._repr_mimebundle_()
    assert bundle["text/plain"] == (
        "Trust-flow diagram: Cross-account delegation with MFA [Account A, Account B] - "
        "Richard AssumeRole (wrong code) CrossAccountRole: refused"
    )
    assert "\n" not in bundle["text/plain"] and "0x" not in bundle["text/plain"]


def test_the_same_state_gives_the_same_svg_bytes(cross) -> None:
    a = story_diagram(cross, cross.play("no MFA")).svg()
    again = build_cross_account()
    b = story_diagram(again, again.play("no MFA")).svg()
    assert a == b
    assert not re.search(r"0x[0-9a-f]{6,}", a)


def test_committed_diagrams_are_fresh() -> None:
    for name, diagram in story_diagrams().items():
        for suffix, text in ((".dot", diagram.source), (".svg", diagram.svg())):
            path = ROOT / "diagrams" / f"{name}{suffix}"
            assert path.exists(), f"{path} is missing: run `make diagrams`"
            assert path.read_text(encoding="utf-8") == text, f"{path} is stale: run `make diagrams`"


def test_committed_diagrams_fit_a_900_px_column() -> None:
    for path in sorted((ROOT / "diagrams").glob("*.svg")):
        fit = measure(path.read_text(encoding="utf-8"))
        assert fit.width_px <= 900 and fit.ok, (path.name, fit)


# ---- drawn from the lab, decided by the engine ---------------------------------------------
def test_trust_arrows_are_decided_by_the_engine_with_their_conditions(cross) -> None:
    flow = trust_flow(cross)
    assert [(e.source, e.target, e.label) for e in _edges(flow, "trust")] == [
        (RICHARD, ROLE, "may assume if MFA")
    ]
    # Anaya may do anything in A, but the trust policy names only account B
    assert not [e for e in _edges(flow, "trust") if "Anaya" in e.source]


def test_external_ids_appear_on_the_trust_arrows() -> None:
    labels = {e.label for e in _edges(trust_flow(build_confused_deputy()), "trust")}
    assert labels == {"may assume if external ID = 12345", "may assume if external ID = 67890"}


def test_a_user_created_through_boto3_appears_in_the_next_drawing(cross) -> None:
    """Account B's administrator adds Mallory, who may assume the role: AWS's cross-account
    rule (both sides allow) decides the new dashed arrow."""
    iam = cross.root(B).client("iam")
    iam.create_user(UserName="Mallory")
    before = trust_flow(cross)
    assert before.node(f"{B}_user_Mallory") is not None
    assert not [e for e in _edges(before, "trust") if e.source == f"{B}_user_Mallory"]
    policy = {
        "Version": "2012-10-17",
        "Statement": {"Effect": "Allow", "Action": "sts:AssumeRole", "Resource": "*"},
    }
    iam.put_user_policy(UserName="Mallory", PolicyName="p", PolicyDocument=json.dumps(policy))
    after = trust_flow(cross)
    assert (f"{B}_user_Mallory", ROLE, "may assume if MFA") in [
        (e.source, e.target, e.label) for e in _edges(after, "trust")
    ]
    assert "Mallory" in story_diagram(cross).svg()


def test_a_trust_policy_edited_through_boto3_changes_the_arrows(cross) -> None:
    iam = cross.root(A).client("iam")
    iam.create_user(UserName="Tom")
    only_tom = {
        "Version": "2012-10-17",
        "Statement": {
            "Effect": "Allow",
            "Principal": {"AWS": f"arn:aws:iam::{A}:user/Tom"},
            "Action": "sts:AssumeRole",
        },
    }
    iam.update_assume_role_policy(RoleName="CrossAccountRole", PolicyDocument=json.dumps(only_tom))
    trust = [(e.source, e.label) for e in _edges(trust_flow(cross), "trust")]
    # same account, named directly: the trust policy alone is enough (no identity policy)
    assert trust == [(f"{A}_user_Tom", "may assume")]


def test_a_bucket_and_an_mfa_device_created_through_boto3_appear(cross) -> None:
    root = cross.root(A)
    root.client("s3").create_bucket(Bucket="learner-bucket")
    iam = root.client("iam")
    iam.create_user(UserName="Tom")
    iam.create_virtual_mfa_device(VirtualMFADeviceName="Tom")  # created, never enabled
    flow = trust_flow(cross)
    assert flow.node(f"{A}_bucket_learner_bucket") is not None
    (tom,) = [n for n in flow.nodes if n.kind == "mfa" and n.account == A]
    assert (tom.label, tom.detail, tom.state) == ("MFA device Tom", "", "unassigned\n(not enabled)")
    assert not [e for e in _edges(flow, "mfa") if e.source == tom.id]  # nobody's device
    (richard,) = [n for n in flow.nodes if n.kind == "mfa" and n.account == B]
    assert (richard.label, richard.detail) == ("MFA device Richard", "enabled for Richard")
    source = story_diagram(cross).source
    node = f'"{tom.id}" [label="MFA device Tom\nunassigned\n(not enabled)"'
    assert node in source and 'style="filled,dashed"' in source.split(node)[1].split("]")[0]


def test_permissions_come_from_the_policy_that_grants_them() -> None:
    """EC2-Admins grants stop and terminate with MFA, Developers two other actions: one arrow
    each, from the group, to the list of both instances."""
    ec2 = build_same_account_ec2()
    flow = trust_flow(ec2)
    edges = {(e.source, e.label) for e in _edges(flow, "permission")}
    for instance in ec2.instances:
        assert (f"{A}_group_EC2_Admins", "ec2:StopInstances, TerminateInstances if MFA") in edges
        target = f"{A}_instance_{instance.replace('-', '_')}"
        assert target in {e.target for e in _edges(flow, "permission")}
    source = story_diagram(ec2).source
    assert source.count("ec2:StopInstances") == 1  # one arrow to the group of instances


def test_a_conditional_deny_is_named_on_the_arrow() -> None:
    """Seed 002: DenyAllExceptListedIfNoMFA takes s3:* away while MFA is absent."""
    flow = trust_flow(build_self_managed_mfa())
    labels = [e.label for e in _edges(flow, "permission")]
    assert "s3:* denied if no MFA" in labels


def test_the_bucket_policy_and_the_identity_policy_both_count_across_accounts() -> None:
    s3 = build_resource_policy_s3()
    flow = trust_flow(s3)
    perms = {(e.source, e.label) for e in _edges(flow, "permission")}
    assert ("333333333333_user_Nikhil", "s3:PutObject, DeleteObject if MFA") in perms
    # the bucket policy alone: account C's users need their own policy too
    iam = s3.root("333333333333").client("iam")
    iam.delete_user_policy(UserName="Nikhil", PolicyName="AccountABucket")
    perms = {e.source for e in _edges(trust_flow(s3), "permission")}
    assert "333333333333_user_Nikhil" not in perms


def test_each_call_carries_the_decision_in_the_trail() -> None:
    rv = build_revoking()
    attempts = rv.play("deny the role in the bucket policy")
    trail = rv.lab.trail()
    calls = _edges(trust_flow(rv, attempts), "call")
    for attempt in attempts:
        row = trail.iloc[attempt.trail_index]
        assert row["principal"] == attempt.principal
        assert row["decision"] == attempt.outcome
    drawn = {(e.source, e.decision) for e in calls}
    assert (f"{A}_session_Accounting_Role_Mary", "explicitDeny") in drawn
    assert (f"{A}_federated_Bob", "allowed") in drawn
    assert (f"{A}_root_root", "allowed") in drawn


def test_calls_are_coloured_by_decision(cross) -> None:
    svg_ok = story_diagram(cross, cross.play("MFA code")).svg()
    svg_no = story_diagram(cross, cross.play("no MFA")).svg()
    assert DECISION_COLOURS["allowed"] in svg_ok
    assert DECISION_COLOURS["implicitDeny"] in svg_no
    assert "DENIED: no policy allows it" in svg_no and "MFA condition not met" in svg_no
    assert 'class="edge call implicitDeny"' in svg_no


# ---- the fourth state: refused before any policy ----------------------------------------------
def test_a_wrong_mfa_code_is_refused_not_denied(cross) -> None:
    (assume,) = cross.play("wrong code")
    (call,) = _edges(trust_flow(cross, [assume]), "call")
    assert (call.decision, call.note) == (
        "refused",
        "MultiFactorAuthentication failed with invalid MFA one time pass code.",
    )
    svg = story_diagram(cross, [assume]).svg()
    assert DECISION_COLOURS["refused"] in svg and "REFUSED before any policy" in svg
    assert "no policy allows it" not in svg.split("Legend")[0].replace(
        "call denied: no policy allows it", ""
    )


def test_a_reused_code_an_unknown_key_and_an_expired_token_are_refused(cross) -> None:
    richard = cross.richard
    sts = richard.client("sts")
    code = cross.lab.totp(richard.mfa_serial)
    args = {"RoleArn": cross.cross_account_role, "RoleSessionName": "richard"}
    mfa = {"SerialNumber": richard.mfa_serial, "TokenCode": code}
    first = cross.attempt("first (code)", "Richard", "sts:AssumeRole", args["RoleArn"],
                          lambda: sts.assume_role(**args, **mfa))  # fmt: skip
    again = cross.attempt("again (same code)", "Richard", "sts:AssumeRole", args["RoleArn"],
                          lambda: sts.assume_role(**args, **mfa))  # fmt: skip
    stranger = cross.lab.session("AKIAIOSFODNN7EXAMPLE", "x" * 40).client("sts")
    unknown = cross.attempt("unknown key", "Richard", "sts:AssumeRole", args["RoleArn"],
                            lambda: stranger.assume_role(**args))  # fmt: skip
    assert (first.outcome, again.outcome, unknown.outcome) == ("allowed", "refused", "refused")
    assert unknown.error == "InvalidClientTokenId"
    ec2 = build_same_account_ec2()
    *_, terminate = ec2.play("GetSessionToken with MFA", mfa_age=129600)
    assert (terminate.outcome, terminate.error) == ("refused", "RequestExpired")
    calls = _edges(trust_flow(ec2, [terminate]), "call")
    assert [c.decision for c in calls] == ["refused"]


def test_the_legend_has_an_entry_for_every_call_state() -> None:
    words = [w for _, _, w in LEGEND]
    assert "call refused before any policy is read" in words
    assert {"call allowed", "call denied: no policy allows it"} <= set(words)
    flow = TrustFlow("t", {A: "A"})
    flow.add_node(Node("u", "Anaya", "user", A))
    svg = draw(flow).svg()
    for _, _, text in LEGEND:
        assert text in svg
    assert "call refused" not in draw(flow, legend=False).svg()


def test_condition_words() -> None:
    mfa = {"Condition": {"Bool": {"aws:MultiFactorAuthPresent": "true"}}}
    assert condition_words(mfa) == "if MFA"
    no_mfa = {"Condition": {"BoolIfExists": {"aws:MultiFactorAuthPresent": "false"}}}
    assert condition_words(no_mfa) == "if no MFA"
    age = {"Condition": {"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}}}
    assert condition_words(age) == "if MFA age < 3600 s"
    issued = {"Condition": {"DateLessThan": {"aws:TokenIssueTime": "2026-01-15T09:05:00Z"}}}
    assert condition_words(issued) == "if token issued before 2026-01-15T09:05:00Z"
    assert condition_words({}) == ""


# ---- every diagram fits a 900 px column -----------------------------------------------------
def _settings() -> list[tuple[str, object, dict]]:
    cases: list[tuple[str, object, dict]] = []
    for name, build, grid in (
        ("cross-account", build_cross_account, [{"mfa": m} for m in S.MFA_CHOICES]),
        (
            "same-account-ec2",
            build_same_account_ec2,
            [{"credentials": c, "mfa_age": a} for c in S.CREDENTIAL_CHOICES for a in (0, 129600)],
        ),
        (
            "resource-policy-s3",
            build_resource_policy_s3,
            [{"credentials": c} for c in S.NIKHIL_CHOICES],
        ),
        (
            "self-managed-mfa",
            build_self_managed_mfa,
            [{"who": "Nikhil"}, {"who": "Sofia"}, {"who": "Sofia", "mfa": True}],
        ),
        ("revoking-sessions", build_revoking, [{"how": h} for h in S.REVOCATION_CHOICES]),
        (
            "confused-deputy",
            build_confused_deputy,
            [
                {"external_id": e, "role": r}
                # the last two: refused by botocore, and by STS's model (a space)
                for e in ("12345", "67890", None, "!", "12 345")
                for r in ("yours", "other")
            ],
        ),
    ):
        cases += [(name, build, settings) for settings in grid]
    return cases


_BUILT: dict[object, object] = {}


@pytest.mark.parametrize(("story", "build", "settings"), _settings())
def test_every_story_diagram_fits_a_900_px_column(story: str, build, settings: dict) -> None:
    """Cell outputs (with legend and title) and panel diagrams (without): at most 900 px wide
    at their natural size (JupyterLab shows an SVG output at its natural size), text at least
    10 px, and no label over another label, a node or another arrow."""
    scenario = _BUILT.setdefault(build, build())
    attempts = scenario.play(**settings)  # type: ignore[attr-defined]
    for legend in (True, False):
        fit = measure(story_diagram(scenario, attempts, legend=legend, title=legend).raw_svg())  # type: ignore[arg-type]
        assert fit.width_px <= 900, f"{story} {settings}: {fit.width_px:.0f} px wide"
        assert fit.smallest_text_px >= 10, f"{story} {settings}: {fit.smallest_text!r} too small"
        assert not fit.overlaps, f"{story} {settings}: {fit.overlaps}"


def test_a_diagram_of_a_busy_lab_still_fits(cross) -> None:
    """A learner's additions (three more users who may assume the role) keep the rules."""
    iam = cross.root(B).client("iam")
    policy = json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": {"Effect": "Allow", "Action": "sts:*", "Resource": "*"},
        }
    )
    for name in ("Mallory", "Oscar", "Peggy"):
        iam.create_user(UserName=name)
        iam.put_user_policy(UserName=name, PolicyName="p", PolicyDocument=policy)
    fit = measure(story_diagram(cross).raw_svg())
    assert fit.smallest_text_px >= 10 and not fit.overlaps, fit
    assert fit.width_px <= 900, fit.width_px


def test_lab_diagram_draws_any_lab_and_the_calls_in_its_trail() -> None:
    from iamlab import Lab

    lab = Lab()
    root = lab.create_account(A, name="Sandbox")
    iam = root.client("iam")
    iam.create_user(UserName="Ada")
    key = iam.create_access_key(UserName="Ada")["AccessKey"]
    start = len(lab.trail())
    ada_iam = lab.session(key).client("iam")
    with pytest.raises(Exception, match="AccessDenied"):
        ada_iam.get_user(UserName="Ada")
    calls = trail_calls(lab, since=start)
    assert [(c.action, c.outcome) for c in calls] == [("iam:GetUser", "implicitDeny")]
    svg = lab_diagram(lab, "My lab", calls).svg()
    assert "Ada" in svg and "Sandbox" in svg and "My lab" in svg
    assert DECISION_COLOURS["implicitDeny"] in svg


# ---- the measuring itself -------------------------------------------------------------------
_SVG = """<svg width="{w}pt" height="100pt" viewBox="0 0 {w} 100" xmlns="http://www.w3.org/2000/svg">
<g id="graph0" class="graph" transform="scale(1 1) rotate(0) translate(4 96)">
<g id="node1" class="node"><title>a</title>
<polygon points="10,-90 60,-90 60,-60 10,-60 10,-90"/>
<text text-anchor="middle" x="35" y="-70" font-size="{size}">Anaya</text></g>
<g id="edge1" class="edge"><title>a->b</title>
<path fill="none" stroke="black" d="M35,-60C35,-40 35,-30 35,-10"/>
<text text-anchor="start" x="{label_x}" y="{label_y}" font-size="10">AssumeRole allowed</text></g>
</g></svg>"""


def test_measure_finds_small_text_and_labels_on_nodes() -> None:
    wide = measure(_SVG.format(w=1350, size=10, label_x=100, label_y=-35))
    assert wide.width_px == 1800 and wide.scale == 0.5
    assert wide.smallest_text_px == pytest.approx(10 * 4 / 3 * 0.5)  # 6.7 px: too small
    assert not wide.ok
    fine = measure(_SVG.format(w=600, size=10, label_x=100, label_y=-35))
    assert fine.ok, fine
    on_node = measure(_SVG.format(w=600, size=10, label_x=20, label_y=-70))  # on Anaya
    assert any("overlaps node a" in o for o in on_node.overlaps)


def test_text_width_follows_helvetica_metrics() -> None:
    assert text_width("iiii", 10) < text_width("MMMM", 10)
    assert text_width("Anaya", 10) == pytest.approx(10 * (667 + 556 + 556 + 500 + 556) / 1000)


# ---- notebook 06, "Break it, then fix it": Bob's two devices ---------------------------------
def _break_it_2022():
    """Notebook 06's early-2023 cells: with Bob's keys only, list the buckets (denied), create
    and enable a device named Bob, get MFA credentials with it, list the buckets with them."""
    from iamlab.exercises.nb06 import add_bob

    story = build_self_managed_mfa(mfa_device_rule="2022")
    keys = add_bob(story)
    lab, start = story.lab, story.lab.call_count()
    iam, sts = keys.client("iam"), keys.client("sts")
    with pytest.raises(Exception, match="AccessDenied"):
        keys.client("s3").list_buckets()
    serial = iam.create_virtual_mfa_device(VirtualMFADeviceName="Bob")["VirtualMFADevice"][
        "SerialNumber"
    ]
    first = lab.totp(serial)
    lab.clock.advance(seconds=30)
    iam.enable_mfa_device(UserName="Bob", SerialNumber=serial, AuthenticationCode1=first,
                          AuthenticationCode2=lab.totp(serial))  # fmt: skip
    lab.clock.advance(seconds=30)
    creds = sts.get_session_token(SerialNumber=serial, TokenCode=lab.totp(serial))
    lab.session(creds["Credentials"]).client("s3").list_buckets()
    return story, trail_calls(lab, since=start)


def _today():
    from iamlab.exercises.nb06 import add_bob, attack

    story = build_self_managed_mfa()
    return story, attack(story, add_bob(story))


def _calls(flow: TrustFlow) -> list[tuple[str, str, str, str | None]]:
    names = {n.id: " ".join(n.label.split()) for n in flow.nodes}
    return [(names[e.source], e.label, names[e.target], e.decision) for e in _edges(flow, "call")]


def test_two_devices_of_one_user_are_told_apart_by_their_names() -> None:
    """Bob's phone (mfa/Bob-phone, enabled by Anaya) and the thief's device (mfa/Bob): each
    node is named by its device name and says whose it is."""
    story, calls = _break_it_2022()
    flow = lab_flow(story.lab, "t", calls)
    devices = {(n.label, n.detail, n.state) for n in flow.nodes if n.kind == "mfa"}
    assert {
        ("MFA device Bob-phone", "enabled for Bob", ""),
        ("MFA device Bob", "enabled for Bob", ""),
        ("MFA device Sofia", "enabled for Sofia", ""),
    } == devices
    assert not [n for n in flow.nodes if "phone" in n.label and "Bob-phone" not in n.label]
    source = lab_diagram(story.lab, "t", calls).source
    assert 'label="MFA device\nBob-phone\nenabled for Bob"' in source
    assert 'label="MFA device Bob\nenabled for Bob"' in source


def test_the_break_it_calls_are_all_drawn_with_their_decisions() -> None:
    """The keys are denied S3; the thief's device is created and enabled (the trail names the
    device, so the arrow goes to it); GetSessionToken issues MFA credentials for device
    mfa/Bob, and S3 is listed with those credentials."""
    story, calls = _break_it_2022()
    flow = lab_flow(story.lab, "t", calls)
    creds = "MFA credentials (device mfa/Bob)"
    assert _calls(flow) == [
        ("Bob", "ListAllMyBuckets", "S3 in account A", "explicitDeny"),
        ("Bob", "CreateVirtualMFADevice, EnableMFADevice", "MFA device Bob", "allowed"),
        ("Bob", "GetSessionToken", creds, "allowed"),
        (creds, "ListAllMyBuckets", "S3 in account A", "allowed"),
    ]
    (node,) = [n for n in flow.nodes if n.kind == "credentials"]
    assert node.state == ""  # issued
    denied = _edges(flow, "call")[0]
    assert denied.note == "in an identity-based policy"  # from the trail's reason


def test_today_the_rule_refusal_is_drawn_as_such() -> None:
    """Today (AWS-2023-001) the device is created but stays unassigned, enabling it is
    refused by IAM's rule (the policy allowed it), and STS refuses its code: no credentials."""
    story, tried = _today()
    flow = trust_flow(story, tried)
    creds = "MFA credentials (device mfa/Bob)"
    assert _calls(flow) == [
        ("Bob", "ListAllMyBuckets", "S3 in account A", "explicitDeny"),
        ("Bob", "CreateVirtualMFADevice", "MFA device Bob", "allowed"),
        ("Bob", "EnableMFADevice (a second device)", "MFA device Bob", "refusedByRule"),
        ("Bob", "GetSessionToken", creds, "refused"),
    ]
    rule = _edges(flow, "call")[2]
    assert rule.note == "IAM's MFA-device rule (AWS-2023-001)"
    (node,) = [n for n in flow.nodes if n.kind == "credentials"]
    assert node.state == "not issued"
    unassigned = [n for n in flow.nodes if n.label == "MFA device Bob"]
    assert [n.state for n in unassigned] == ["unassigned\n(not enabled)"]
    svg = story_diagram(story, tried).svg()
    assert DECISION_COLOURS["refusedByRule"] in svg
    assert 'class="edge call refusedByRule"' in svg
    assert "REFUSED by a service rule" in svg and "IAM&#39;s MFA&#45;device rule" in svg
    assert "no policy allows it</text>" not in svg.split("call denied: no policy allows it")[0]


def test_get_session_token_without_mfa_and_calls_made_with_its_credentials() -> None:
    """Credentials issued without a code are "temporary credentials without MFA"; the calls
    signed with them come from that node."""
    ec2 = build_same_account_ec2()
    lab, start = ec2.lab, ec2.lab.call_count()
    session = ec2.sofia_session("GetSessionToken without MFA")
    session.client("ec2").describe_instances()
    flow = lab_flow(lab, "t", trail_calls(lab, since=start))
    creds = "temporary credentials without MFA"
    assert _calls(flow) == [
        ("Sofia", "GetSessionToken", creds, "allowed"),
        (creds, "DescribeInstances", "EC2 in account A", "allowed"),
    ]


def test_calls_on_star_go_to_the_service_of_the_callers_account() -> None:
    """ListAllMyBuckets, ListVirtualMFADevices and DescribeInstances act on no one resource
    (their resource is "*"): each is drawn to the service in the caller's account."""
    sm = build_self_managed_mfa()
    flow = trust_flow(sm, sm.play("Nikhil"))
    calls = _calls(flow)
    assert ("Nikhil", "ListVirtualMFADevices", "IAM in account A", "allowed") in calls
    assert ("Nikhil", "ListAllMyBuckets", "S3 in account A", "explicitDeny") in calls
    ec2 = build_same_account_ec2()
    flow = trust_flow(ec2, ec2.play("long-term keys"))
    assert ("Sofia", "DescribeInstances", "EC2 in account A", "allowed") in _calls(flow)


def test_a_call_on_oneself_goes_to_the_service_and_says_so() -> None:
    """Nikhil reads his own user: no arrow loops back onto his node."""
    sm = build_self_managed_mfa()
    flow = trust_flow(sm, sm.play("Nikhil"))
    assert ("Nikhil", "GetUser, ListMFADevices (on own user)", "IAM in account A", "allowed") in (
        _calls(flow)
    )
    assert not [e for e in _edges(flow, "call") if e.source == e.target]


def test_node_ids_stay_apart_when_names_differ_only_in_punctuation() -> None:
    from iamlab import Lab

    lab = Lab()
    iam = lab.create_account(A, name="A").client("iam")
    for name in ("Bob-phone", "Bob_phone", "Bob.phone"):
        iam.create_virtual_mfa_device(VirtualMFADeviceName=name)
    flow = lab_flow(lab, "t")
    ids = [n.id for n in flow.nodes if n.kind == "mfa"]
    assert len(ids) == len(set(ids)) == 3
    assert sorted(n.label for n in flow.nodes if n.kind == "mfa") == [
        "MFA device Bob-phone",
        "MFA device Bob.phone",
        "MFA device Bob_phone",
    ]


@pytest.mark.parametrize("typed", ["a\\b<c>", "\\N", "x" * 1300, "<b>bold</b>", "12\n345"])
def test_what_a_learner_typed_is_drawn_as_typed_and_cut_short(typed: str) -> None:
    """A backslash, ``<...>`` or a 1,300-character value is plain text in DOT (no escape
    sequence, no HTML label) and a label never grows past the column."""
    cd = build_confused_deputy()
    d = story_diagram(cd, cd.play(typed, "yours"))
    fit = measure(d.raw_svg())
    assert fit.width_px <= 900 and fit.ok, fit
    if "\\" in typed:
        assert "\\\\" in d.source  # the backslash is escaped, not a DOT escape sequence
    assert "\u2026" in d.svg() or len(typed) < 60


def test_measure_tells_two_calls_between_the_same_nodes_apart() -> None:
    svg = """<svg width="300pt" height="100pt" viewBox="0 0 300 100" xmlns="http://www.w3.org/2000/svg">
<g id="graph0" class="graph" transform="translate(4 96)">
<g id="call_a__b" class="edge"><title>a->b</title>
<path fill="none" stroke="black" d="M10,-90C10,-60 10,-40 10,-10"/>
<text text-anchor="start" x="100" y="-50" font-size="10">GetUser allowed</text></g>
<g id="call_a__b_2" class="edge"><title>a->b</title>
<path fill="none" stroke="black" d="M200,-90C200,-60 200,-40 200,-10"/>
<text text-anchor="start" x="110" y="-48" font-size="10">ListUsers denied</text></g>
</g></svg>"""
    fit = measure(svg)
    assert any("overlaps" in o and "call_a__b_2" in o for o in fit.overlaps), fit.overlaps


def test_a_busy_account_is_laid_out_tighter_to_fit() -> None:
    """Four users and two devices on one row: the default spacing is too wide, so the lab
    lays the drawing out again with nodes closer together, and the same state gives the
    same bytes again."""
    story, tried = _today()
    d = story_diagram(story, tried)
    assert "nodesep=0.25" not in d.source
    fit = measure(d.raw_svg())
    assert fit.width_px <= 900 and fit.ok, fit
    again, tried_again = _today()
    assert story_diagram(again, tried_again).svg() == d.svg()


@pytest.mark.parametrize("state", ["2022", "today"])
def test_the_notebook_06_break_it_diagrams_fit(state: str) -> None:
    if state == "2022":
        story, calls = _break_it_2022()
        d = lab_diagram(story.lab, "Early 2023: Bob's keys alone reach S3", calls)
    else:
        story, tried = _today()
        d = story_diagram(story, tried)
    fit = measure(d.raw_svg())
    assert fit.width_px <= 900, fit.width_px
    assert fit.smallest_text_px >= 10 and not fit.overlaps, fit


def test_the_legend_names_the_refused_by_rule_state() -> None:
    words = [w for _, _, w in LEGEND]
    assert "allowed by policy, refused by a service rule" in words
    assert len(words) == len(set(words)) and len({c for c, _, _ in LEGEND[3:]}) == 6
