"""Where TypeScript puts what it compiles, read from tsconfig.json as tsc reads it (JSON with comments): the file a
start command should run instead of a ``.ts`` source, a compiled file no build wrote yet, a compiled file looked for
under a folder other than ``outDir``. Used by fix_start_command."""

from __future__ import annotations

import json
import posixpath
import re
import shlex
from pathlib import Path

_JSONC = re.compile(r'("(?:\\.|[^"\\])*")|//[^\n]*|/\*.*?\*/', re.S)


def read_jsonc(path: Path) -> dict[str, object] | None:
    """A tsconfig.json as TypeScript reads it: JSON with comments and trailing commas."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    text = _JSONC.sub(lambda m: m.group(1) or "", text)
    text = re.sub(r",(\s*[}\]])", r"\1", text)
    try:
        data = json.loads(text)
    except ValueError:
        return None
    return data if isinstance(data, dict) else None


TS_SOURCES = (".ts", ".tsx", ".mts", ".cts")


def compiled_output(command: str, tree: Path) -> tuple[str, str] | None:
    """(missing file, its TypeScript source) when ``command`` runs a compiled file that is not there and tsconfig.json's
    ``outDir`` is where the compiler writes it: ``node dist/index.js`` with ``src/index.ts`` beside ``"outDir":
    "dist", "rootDir": "src"``. The repository holds the sources, and nothing compiles them before the start."""
    options = (read_jsonc(tree / "tsconfig.json") or {}).get("compilerOptions")
    if not isinstance(options, dict) or not isinstance(options.get("outDir"), str):
        return None
    out_dir = Path(str(options["outDir"]))
    root_dir = Path(str(options["rootDir"])) if isinstance(options.get("rootDir"), str) else None
    for tok in shlex.split(command):
        rel = Path(tok)
        if rel.suffix not in (".js", ".cjs", ".mjs") or rel.is_absolute() or ".." in rel.parts or (tree / rel).exists():
            continue
        try:
            inner = rel.relative_to(out_dir)
        except ValueError:
            continue
        for base in ([root_dir] if root_dir is not None else [Path("src"), Path(".")]):
            for ext in TS_SOURCES:
                source = base / inner.with_suffix(ext)
                if (tree / source).is_file():
                    return rel.as_posix(), source.as_posix()
    return None


def other_out_dir(command: str, tree: Path) -> tuple[str, str] | None:
    """(the file ``command`` runs, the file tsc writes instead) when the command runs a compiled file under one folder
    and tsconfig.json's ``outDir`` is another: ``node dist/index.js`` with ``"outDir": "build"`` and ``src/index.ts``.
    The file exists nowhere in the repository; its TypeScript source does, and tsc writes it under ``outDir``."""
    options = (read_jsonc(tree / "tsconfig.json") or {}).get("compilerOptions")
    if not isinstance(options, dict) or not isinstance(options.get("outDir"), str):
        return None
    out_dir = Path(posixpath.normpath(str(options["outDir"])))
    if out_dir.is_absolute() or ".." in out_dir.parts or str(out_dir) == ".":
        return None
    root_dir = Path(str(options["rootDir"])) if isinstance(options.get("rootDir"), str) else None
    for tok in shlex.split(command):
        rel = Path(tok)
        if (rel.suffix not in (".js", ".cjs", ".mjs") or rel.is_absolute() or ".." in rel.parts or len(rel.parts) < 2
                or (tree / rel).exists() or (tree / rel.parts[0]).exists() or rel.parts[: len(out_dir.parts)] == out_dir.parts):
            continue
        inner = Path(*rel.parts[1:])
        for base in ([root_dir] if root_dir is not None else [Path("src"), Path(".")]):
            if any((tree / base / inner.with_suffix(ext)).is_file() for ext in TS_SOURCES):
                return tok, (out_dir / inner).as_posix()
    return None


def _ts_root(tree: Path) -> Path:
    """tsc's default rootDir: the longest common folder of the project's TypeScript sources (declarations left out)."""
    folders = [p.parent.relative_to(tree).parts for p in tree.rglob("*") if p.suffix in TS_SOURCES and not p.name.endswith(
        (".d.ts", ".d.mts", ".d.cts")) and p.is_file() and not {"node_modules", ".git", "dist", "build"} & set(p.relative_to(tree).parts)]
    common: tuple[str, ...] = folders[0] if folders else ()
    for parts in folders[1:]:
        n = 0
        while n < min(len(common), len(parts)) and common[n] == parts[n]:
            n += 1
        common = common[:n]
    return Path(*common) if common else Path(".")


def typescript_source(command: str, tree: Path) -> tuple[str, str] | None:
    """(TypeScript source, the file tsc compiles it to) when ``command`` hands a ``.ts`` file to plain ``node``: Node
    cannot run TypeScript (``ERR_UNKNOWN_FILE_EXTENSION``), the compiled file is what should start. The output path
    follows tsconfig.json (``outDir``, ``rootDir`` or tsc's default root, the common folder of the sources)."""
    tokens = shlex.split(command)
    while tokens and re.fullmatch(r"[A-Za-z_]\w*=\S*", tokens[0]):  # `NODE_ENV=production node ...`
        tokens = tokens[1:]
    if not tokens or Path(tokens[0]).name not in ("node", "nodejs"):
        return None
    options = (read_jsonc(tree / "tsconfig.json") or {}).get("compilerOptions")
    options = options if isinstance(options, dict) else {}
    for tok in tokens[1:]:
        rel = Path(tok)
        if rel.suffix not in TS_SOURCES or rel.is_absolute() or ".." in rel.parts or not (tree / rel).is_file():
            continue
        root = Path(str(options["rootDir"])) if isinstance(options.get("rootDir"), str) else _ts_root(tree)
        try:
            inner = rel.relative_to(root) if str(root) != "." else rel
        except ValueError:
            return None
        out = Path(str(options["outDir"])) / inner if isinstance(options.get("outDir"), str) else rel
        suffix = {".mts": ".mjs", ".cts": ".cjs"}.get(rel.suffix, ".js")
        return tok, out.with_suffix(suffix).as_posix()
    return None
