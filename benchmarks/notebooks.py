"""Notebook kernels: the peak resident memory of a fresh kernel that runs each notebook.

Each notebook in ``labs/`` runs top to bottom in a new IPython kernel (nbclient, the
runner nbval and JupyterLab's "Run All" use), then one more cell reads the kernel's peak
resident set size (``ru_maxrss``: the most memory the process held at any moment,
import of the lab, its boto3 clients, widgets and diagrams included).
"""

from __future__ import annotations

import resource
import sys
import time
from pathlib import Path

from .harness import Row

ROOT = Path(__file__).resolve().parents[1]
LABS = ROOT / "labs"
TARGET_MIB = 110
_PEAK = "import resource; print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"


def kernel_peak_mib(path: Path) -> tuple[float, float]:
    """(peak RSS in MiB, seconds) of a fresh kernel running the notebook at ``path``."""
    import nbformat
    from nbclient import NotebookClient

    nb = nbformat.read(path, as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell(_PEAK))
    client = NotebookClient(
        nb,
        timeout=600,
        kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    client.execute()
    seconds = time.perf_counter() - start
    text = "".join(o.get("text", "") for o in nb.cells[-1].outputs if o.get("name") == "stdout")
    return int(text.split()[-1]) / 1024, seconds  # ru_maxrss is in KiB on Linux


def kernel_peaks() -> list[Row]:
    """One row per notebook, then the highest."""
    if sys.platform != "linux" or resource.getrusage(resource.RUSAGE_SELF).ru_maxrss == 0:
        return [Row("notebook kernel peak memory: needs Linux (ru_maxrss in KiB)", 0, "", "")]
    rows = []
    for path in sorted(LABS.glob("*.ipynb")):
        peak, _ = kernel_peak_mib(path)
        rows.append(
            Row(f"notebook kernel peak memory: {path.stem}", peak, "MiB", f"<= {TARGET_MIB} MiB")
        )
    worst = max(rows, key=lambda r: r.value)
    rows.append(
        Row(
            f"notebook kernel peak memory, highest ({worst.name.split(': ')[1]})",
            worst.value,
            "MiB",
            f"<= {TARGET_MIB} MiB",
        )
    )
    return rows


BENCHMARKS = [kernel_peaks]
