"""Registers every exercise: the ``nb*`` modules of this package and the questions and quizzes
of ``iamlab/data/questions/``."""

import importlib
import pkgutil
from pathlib import Path

from .questions import register_all

for _module in pkgutil.iter_modules([str(Path(__file__).parent)]):
    if _module.name.startswith("nb"):
        importlib.import_module(f"{__package__}.{_module.name}")
register_all()
