"""iamlab.policy: the pure policy language (parse, validate, match, evaluate, explain).

No accounts, no clock, no state: a request context and policies in, a decision out.
"""

from .context import RequestContext
from .decision import ALLOWED, EXPLICIT_DENY, IMPLICIT_DENY, Decision, MatchedStatement
from .document import KINDS, Policy, Statement, parse_policy, validate_policy
from .errors import PolicyError
from .evaluation import evaluate

__all__ = [
    "ALLOWED",
    "EXPLICIT_DENY",
    "IMPLICIT_DENY",
    "KINDS",
    "Decision",
    "MatchedStatement",
    "Policy",
    "PolicyError",
    "RequestContext",
    "Statement",
    "evaluate",
    "parse_policy",
    "validate_policy",
]
