"""iamlab.exercises: ``check(exercise_id, answer)`` with specific feedback and hints that
follow what each answer gets wrong; ``ask(question_id)`` shows a multiple-choice question."""

from .core import Feedback, check, exercises, reset, solution
from .questions import ask

__all__ = ["Feedback", "ask", "check", "exercises", "reset", "solution"]
