"""The site's front page: what the lab is, a "Start" button, every notebook, what to expect."""

from __future__ import annotations

import html
import json
from pathlib import Path
from urllib.parse import quote


def title(notebook: Path) -> str:
    """The notebook's first Markdown heading (else its file name)."""
    cells = json.loads(notebook.read_text(encoding="utf-8")).get("cells", [])
    for cell in cells:
        if cell.get("cell_type") != "markdown":
            continue
        source = "".join(cell.get("source", []))
        for line in source.splitlines():
            if line.startswith("#"):
                return line.lstrip("#").strip()
    return notebook.stem


def link(notebook: Path) -> str:
    """The URL (relative to the site's root) that opens ``notebook`` in JupyterLab."""
    return f"lab/index.html?path={quote(notebook.name)}"


_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:46rem;
margin:2rem auto;padding:0 1rem;line-height:1.5;color:#1f2328}
h1{font-size:1.8rem;margin-bottom:.2rem} .lead{color:#57606a;margin-top:0}
a.start{display:inline-block;background:#1f883d;color:#fff;padding:.7rem 1.4rem;
border-radius:6px;font-size:1.2rem;text-decoration:none;margin:1rem 0}
a.start:focus,a.start:hover{background:#1a7f37}
.note{background:#f6f8fa;border:1px solid #d0d7de;border-radius:6px;padding:.6rem 1rem}
.warn{background:#fff8c5;border:1px solid #d4a72c;border-radius:6px;padding:.6rem 1rem}
li{margin:.2rem 0} small{color:#57606a} ul.notebooks{list-style:none;padding-left:0}
"""

_CHECK = """
<script>
if (typeof WebAssembly !== "object" || typeof Worker !== "function") {
  document.getElementById("unsupported").hidden = false;
}
</script>
"""


def page(notebooks: list[Path]) -> str:
    """The HTML of ``index.html`` for a site holding ``notebooks``."""
    first = next((n for n in notebooks if n.name.startswith("00_")), notebooks[0])
    items = "\n".join(
        f'<li><a href="{html.escape(link(n))}">{html.escape(title(n))}</a></li>' for n in notebooks
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>iamlab: AWS IAM in your browser</title>
<!-- JupyterLite's pages read this element of the root page (the site's configuration
     itself is in jupyter-lite.json) -->
<script id="jupyter-config-data" type="application/json" data-jupyter-lite-root=".">{{}}</script>
<style>{_STYLE}</style>
</head>
<body>
<h1>iamlab</h1>
<p class="lead">A hands-on lab for AWS IAM: MFA-protected API access, temporary credentials,
revoking sessions and the confused deputy. No AWS account, no install, no cost.</p>
<p id="unsupported" class="warn" hidden>This browser cannot run the lab (it needs
WebAssembly and web workers). Use a current Chrome, Edge, Firefox or Safari.</p>
<a class="start" href="{html.escape(link(first))}">Start the lab</a>
<div class="note">
<p><b>What to expect.</b> The lab runs entirely in this browser tab: Python, the emulated
AWS and every notebook. Nothing you type is sent anywhere.</p>
<ul>
<li>The first time, the page loads about 30 MB and Python takes up to half a minute to
start. The kernel name at the top right reads <i>Python (Pyodide)</i>; wait until the
circle next to it is empty (idle), then run the cells with <b>Shift+Enter</b> or
<i>Run &rsaquo; Run All Cells</i>.</li>
<li>Your changes are kept in this browser's storage. To keep a copy, use
<i>File &rsaquo; Download</i>. A private window forgets them when it closes.</li>
<li>Stuck? <i>Kernel &rsaquo; Restart Kernel and Run All Cells</i> starts the notebook
afresh.</li>
</ul>
</div>
<h2>The notebooks</h2>
<ul class="notebooks">
{items}
</ul>
<p><small>Built with JupyterLite and Pyodide; diagrams drawn by Viz.js (Graphviz).
<a href="THIRD-PARTY.md">Licences</a> &middot; <a href="LICENSE.txt">iamlab licence</a>
</small></p>
{_CHECK}
</body>
</html>
"""
