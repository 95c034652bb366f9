"""iamlab.exercises: ``check(exercise_id, answer)`` with specific feedback and progressive hints."""

from .core import Feedback, check, exercises, reset, solution

__all__ = ["Feedback", "check", "exercises", "reset", "solution"]
