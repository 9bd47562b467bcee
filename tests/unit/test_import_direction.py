"""Imports point one way: swarm -> graph -> agents -> memory. agents never import adapters."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FORBIDDEN = {
    "memory": {"swarm", "graph", "agents"},
    "agents": {"swarm", "graph", "httpx", "httpx2", "redis", "git", "anthropic", "langgraph", "fakeredis"},
    "graph": {"swarm"},
}


def test_import_arrows() -> None:
    bad = []
    for layer, banned in FORBIDDEN.items():
        for path in (ROOT / layer).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                names = []
                if isinstance(node, ast.Import):
                    names = [a.name for a in node.names]
                elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                    names = [node.module]
                bad += [f"{path.relative_to(ROOT)} imports {n}" for n in names if n.split(".")[0] in banned]
    assert bad == []
