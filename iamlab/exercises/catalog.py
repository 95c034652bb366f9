"""Imports every ``nb*`` module of this package, so their exercises are registered."""

import importlib
import pkgutil
from pathlib import Path

for _module in pkgutil.iter_modules([str(Path(__file__).parent)]):
    if _module.name.startswith("nb"):
        importlib.import_module(f"{__package__}.{_module.name}")
