"""iamlab.diagrams: trust-flow diagrams of a lab, coloured by each decision."""

from .model import Edge, Node, TrustFlow
from .render import Diagram, draw

__all__ = ["Diagram", "Edge", "Node", "TrustFlow", "draw"]
