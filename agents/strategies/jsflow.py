"""Where a JavaScript/TypeScript server's port and host come from, read with tree-sitter.

A listening call (``app.listen(...)``, ``server.listen({port, host})``, Fastify's ``listen({ port })``, Hapi's
``Hapi.server({ port, host })``,
Bun/Deno-style ``serve({ port })``, ``Deno.serve({port})``) is followed back through ``const``/``let``/``var``
bindings, parameter defaults, ``Number()``/``parseInt()``/unary ``+``, ``a || b`` / ``a ?? b`` and object
literal properties (``config.port``, ``{ port } = config``) to the literal it was written as. A value that
already reads ``process.env.PORT`` (or ``Deno.env.get("PORT")``/``Bun.env.PORT``) is left alone; another
environment variable (``process.env.APP_PORT || 3000``) gets ``process.env.PORT`` in front of it. The
edits are byte ranges on the original text, so the rest of the file stays byte for byte.
"""

from __future__ import annotations

from functools import cache

from tree_sitter import Language, Node, Parser

Edit = tuple[int, int, str]  # start byte, end byte, replacement
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
SERVICE_PORTS = {25, 465, 587, 3306, 5432, 5672, 6379, 9092, 9200, 11211, 27017}
_NUMBER_FUNCS = {"Number", "parseInt", "parseFloat", "String"}


def listen_port(value: int) -> bool:
    """Whether a number given to a server is a port the author chose to listen on: an unprivileged port, or HTTP's own
    80 and 443 (habits from containers run as root; a platform runs the app unprivileged, on $PORT)."""
    return value in (80, 443) or 1024 <= value <= 65535


@cache
def _parser(suffix: str) -> Parser:
    if suffix in (".ts", ".mts", ".cts", ".tsx"):
        import tree_sitter_typescript as tst

        lang = tst.language_tsx() if suffix == ".tsx" else tst.language_typescript()
    else:
        import tree_sitter_javascript as tsj

        lang = tsj.language()
    return Parser(Language(lang))


def _text(node: Node) -> str:
    return (node.text or b"").decode("utf-8", "replace")


def _string_value(node: Node) -> str | None:
    if node.type == "string":
        return _text(node)[1:-1]
    if node.type == "template_string" and node.named_child_count == 0:
        return _text(node)[1:-1]
    return None


def _reads_port_env(node: Node) -> bool:
    t = _text(node).replace(" ", "")
    return "env.PORT" in t or 'env["PORT"]' in t or "env['PORT']" in t or 'env.get("PORT")' in t


def _env_read(node: Node) -> bool:
    return node.type in ("member_expression", "subscript_expression", "call_expression") and "env" in _text(node) \
        and ("process.env" in _text(node) or "Bun.env" in _text(node) or "Deno.env" in _text(node))


class _Bindings:
    """name → value nodes: declarators (plain and destructured from an object literal) and parameter defaults."""

    def __init__(self, root: Node) -> None:
        self.values: dict[str, list[Node]] = {}
        stack = [root]
        while stack:
            node = stack.pop()
            stack.extend(node.named_children)
            if node.type == "variable_declarator":
                name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
                if name is None or value is None:
                    continue
                if name.type == "identifier":
                    self.values.setdefault(_text(name), []).append(value)
                elif name.type == "object_pattern":  # const { port = 3000 } = config
                    for prop in name.named_children:
                        if prop.type == "shorthand_property_identifier_pattern":
                            self.values.setdefault(_text(prop), []).append(_Member(value, _text(prop)))  # type: ignore[arg-type]
                        elif prop.type == "object_assignment_pattern":
                            left, right = prop.child_by_field_name("left"), prop.child_by_field_name("right")
                            if left is not None and right is not None:
                                self.values.setdefault(_text(left), []).append(right)
            elif node.type in ("assignment_pattern", "optional_parameter", "required_parameter"):
                left = node.child_by_field_name("left") or node.child_by_field_name("pattern")
                right = node.child_by_field_name("right") or node.child_by_field_name("value")
                if left is not None and right is not None and left.type == "identifier":
                    self.values.setdefault(_text(left), []).append(right)

    def sources(self, node: Node | _Member, depth: int = 0) -> list[Node]:
        """The expressions a value is written as, following names, conversions, fallbacks and properties."""
        if depth > 8:
            return []
        if isinstance(node, _Member):
            return [s for obj in self.sources(node.obj, depth + 1) for s in self._property(obj, node.key, depth)]
        kind = node.type
        if kind in ("parenthesized_expression", "as_expression", "satisfies_expression", "non_null_expression"):
            return self.sources(node.named_children[0], depth + 1) if node.named_children else []
        if kind == "identifier":
            return [s for v in self.values.get(_text(node), []) for s in self.sources(v, depth + 1)]
        if kind == "call_expression":
            fn, args = node.child_by_field_name("function"), node.child_by_field_name("arguments")
            if fn is not None and _text(fn) in _NUMBER_FUNCS and args is not None and args.named_children:
                return self.sources(args.named_children[0], depth + 1)
            if fn is not None and fn.type == "identifier" and "port" in _text(fn).lower() and args is not None \
                    and len(args.named_children) == 1:
                return self.sources(args.named_children[0], depth + 1)  # express-generator's normalizePort('3000')
            return [node]
        if kind == "unary_expression" and _text(node).startswith("+") and node.named_children:
            return self.sources(node.named_children[0], depth + 1)
        if kind == "binary_expression":
            op = node.child_by_field_name("operator")
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if op is not None and _text(op) in ("||", "??") and left is not None and right is not None:
                if _reads_port_env(left):
                    return [left]  # already reads $PORT first: nothing to do
                if _env_read(left):
                    return [left]  # process.env.APP_PORT || 3000: the env read gets PORT in front
                return self.sources(left, depth + 1) + self.sources(right, depth + 1)
            return [node]
        if kind == "member_expression" and not _env_read(node):
            obj, prop = node.child_by_field_name("object"), node.child_by_field_name("property")
            if obj is not None and prop is not None:
                found = [s for o in self.sources(obj, depth + 1) for s in self._property(o, _text(prop), depth)]
                return found or [node]
        if kind == "subscript_expression" and not _env_read(node):
            obj, index = node.child_by_field_name("object"), node.child_by_field_name("index")
            key = _string_value(index) if index is not None else None
            if obj is not None and key is not None:
                found = [s for o in self.sources(obj, depth + 1) for s in self._property(o, key, depth)]
                return found or [node]
        return [node]

    def _property(self, obj: Node, key: str, depth: int) -> list[Node]:
        if obj.type != "object":
            return []
        found: list[Node] = []
        for prop in obj.named_children:
            if prop.type == "pair":
                k, v = prop.child_by_field_name("key"), prop.child_by_field_name("value")
                if k is not None and v is not None and (_text(k) == key or _string_value(k) == key):
                    found += self.sources(v, depth + 1)
            elif prop.type == "shorthand_property_identifier" and _text(prop) == key:
                found += [s for v in self.values.get(key, []) for s in self.sources(v, depth + 1)]
        return found


def _pair_value(obj: Node, key: str) -> Node | None:
    """The value written for ``key`` in an object literal (``{ port: x }``), or None."""
    for prop in obj.named_children:
        if prop.type == "pair":
            k, v = prop.child_by_field_name("key"), prop.child_by_field_name("value")
            if k is not None and v is not None and (_text(k) == key or _string_value(k) == key):
                return v
    return None


class _Member:
    """``obj.key`` for a destructured binding (``const { port } = config``)."""

    def __init__(self, obj: Node, key: str) -> None:
        self.obj, self.key = obj, key


def _listen_args(call: Node) -> tuple[Node, Node | None] | None:
    """(first argument, host argument) of a listening call, or None when the call does not listen."""
    fn = call.child_by_field_name("function") or call.child_by_field_name("constructor")
    args = call.child_by_field_name("arguments")
    if fn is None or args is None:
        return None
    prop = fn.child_by_field_name("property") if fn.type == "member_expression" else None
    name = _text(prop) if prop is not None else _text(fn)
    given = [a for a in args.named_children if a.type != "comment"]
    if not given:
        return None
    if name in ("server", "Server") and given[0].type == "object" and _pair_value(given[0], "port") is not None:
        return given[0], None  # Hapi.server({ port, host }) / new Hapi.Server({...}): the options say where it listens
    if name not in ("listen", "serve"):
        return None
    host = given[1] if name == "listen" and len(given) > 1 and given[1].type not in ("arrow_function", "function_expression", "function") else None
    return given[0], host


_SERVICE_WORDS = ("db", "database", "redis", "postgres", "pg", "mysql", "mongo", "smtp", "mail", "cache", "memcache",
                  "elastic", "rabbit", "amqp", "kafka", "broker", "proxy")


def _named_port(name: str) -> bool:
    low = name.lower()
    return "port" in low and not any(w in low for w in _SERVICE_WORDS)


def _exported_objects(root: Node) -> list[Node]:
    """Objects a config module exports: ``module.exports = {...}``, ``export default {...}``."""
    found = []
    for node in root.named_children:
        expr = node.named_children[0] if node.type == "expression_statement" and node.named_children else node
        if expr.type == "assignment_expression" and _text(expr.child_by_field_name("left") or expr).startswith(("module.exports", "exports")):
            right = expr.child_by_field_name("right")
            if right is not None and right.type == "object":
                found.append(right)
        elif node.type == "export_statement":
            value = node.child_by_field_name("value")
            if value is not None and value.type == "object":
                found.append(value)
    return found


def edits(source: bytes, suffix: str = ".js", loopback: bool = False) -> list[Edit]:
    """Byte edits that make the listening calls in ``source`` use $PORT and all interfaces.

    Besides the values that reach a listening call in this file, a port literal written to a ``*port*`` name
    (``const PORT = 3000``, ``export const port = 3000``) or to the ``port`` key of an exported config object is
    the app's port: that is how a config module hands it to the server module. A listening call whose port comes
    from data the code does not spell out (``config.server.port`` from a JSON file) reads ``process.env.PORT``
    first; with ``loopback`` (the platform saw the app on 127.0.0.1) such a host argument becomes ``0.0.0.0``."""
    tree = _parser(suffix).parse(source)
    scope = _Bindings(tree.root_node)
    out: list[Edit] = []
    sinks: list[tuple[str, Node]] = []

    def port(expr: Node | _Member) -> None:
        for src in scope.sources(expr):
            out.extend(_port_edit(src))

    def spelled(expr: Node, kind: str) -> bool:
        """The value reaching a listening call is written in the code (a literal, an env read, an object)."""
        for src in scope.sources(expr):
            if src.type in ("number", "string", "template_string", "object") or _env_read(src) or _reads_port_env(src):
                return True
            if kind == "port" and src.type in ("true", "false", "null", "undefined"):
                return True
        return False

    def host(expr: Node | _Member) -> None:
        for src in scope.sources(expr):
            if _string_value(src) in LOCAL_HOSTS:
                quote = _text(src)[0]
                out.append((src.start_byte, src.end_byte, f"{quote}0.0.0.0{quote}"))

    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        stack.extend(node.named_children)
        if node.type == "variable_declarator":
            name, value = node.child_by_field_name("name"), node.child_by_field_name("value")
            if name is not None and value is not None and name.type == "identifier" and _named_port(_text(name)):
                port(value)
            continue
        if node.type == "assignment_expression":
            left, right = node.child_by_field_name("left"), node.child_by_field_name("right")
            if left is not None and right is not None and _env_read(left) and _reads_port_env(left) \
                    and not _reads_port_env(right):  # process.env.PORT = 3000: the platform's value, then the author's
                out.append((right.start_byte, right.start_byte, f"{_text(left)} || "))
                if right.type in ("binary_expression", "ternary_expression", "sequence_expression", "assignment_expression"):
                    out[-1] = (right.start_byte, right.end_byte, f"{_text(left)} || ({_text(right)})")
            continue
        if node.type not in ("call_expression", "new_expression"):
            continue
        found = _listen_args(node)
        if found is None:
            continue
        first, host_arg = found
        for src in scope.sources(first):
            if src.type == "object":  # listen({ port, host }) / serve(options)
                port(_Member(src, "port"))
                host(_Member(src, "host"))
                host(_Member(src, "hostname"))
                for key, kind in (("port", "port"), ("host", "host"), ("hostname", "host")):
                    value = _pair_value(src, key)
                    if value is not None and not spelled(value, kind):
                        sinks.append((kind, value))  # { port: config.server.port }: the value comes from data
            else:
                out.extend(_port_edit(src))
        if not spelled(first, "port"):
            sinks.append(("port", first))
        if host_arg is not None:
            host(host_arg)
            if not spelled(host_arg, "host"):
                sinks.append(("host", host_arg))
    for obj in _exported_objects(tree.root_node):
        port(_Member(obj, "port"))
        host(_Member(obj, "host"))
    edited = {e[0] for e in out}
    for kind, arg in sinks:
        if any(src.start_byte in edited for src in scope.sources(arg) if isinstance(src, Node)):
            continue
        if kind == "port":
            out.append((arg.start_byte, arg.start_byte, "Number(process.env.PORT) || "))
            if arg.type in ("binary_expression", "ternary_expression", "sequence_expression"):
                out[-1] = (arg.start_byte, arg.end_byte, f"Number(process.env.PORT) || ({_text(arg)})")
        elif loopback:
            out.append((arg.start_byte, arg.end_byte, "'0.0.0.0'"))
    return sorted(set(out))


def _port_edit(src: Node) -> list[Edit]:
    if _reads_port_env(src):
        return []
    if _env_read(src):  # process.env.APP_PORT: the platform's PORT comes first
        return [(src.start_byte, src.start_byte, "process.env.PORT || ")]
    text = _text(src)
    literal = _string_value(src) if src.type in ("string", "template_string") else text if src.type == "number" else None
    if literal is None or not literal.isdigit():
        return []
    value = int(literal)
    if not listen_port(value) or value in SERVICE_PORTS:
        return []
    text = f"Number(process.env.PORT) || {value}"
    parent = src.parent
    if parent is not None and parent.type in ("binary_expression", "unary_expression", "member_expression", "ternary_expression"):
        text = f"({text})"
    return [(src.start_byte, src.end_byte, text)]


def walk(node: Node) -> list[Node]:
    """Every named node under ``node`` (itself included), in source order."""
    out, stack = [], [node]
    while stack:
        n = stack.pop()
        out.append(n)
        stack.extend(reversed(n.named_children))
    return out


def dotenv_override_edits(source: bytes, suffix: str = ".js") -> list[Edit]:
    """``require('dotenv').config({ override: true })`` (or ``dotenv.config(...)`` in a file that imports dotenv) →
    ``override: false``: with override the committed .env replaces what the platform sets, $PORT included."""
    root = _parser(suffix).parse(source).root_node
    nodes = walk(root)
    uses_dotenv = any(n.type == "string" and _string_value(n) in ("dotenv", "dotenv/config") for n in nodes)
    if not uses_dotenv:
        return []
    found: list[Edit] = []
    for call in nodes:
        if call.type != "call_expression":
            continue
        callee, args = call.child_by_field_name("function"), call.child_by_field_name("arguments")
        if callee is None or args is None or callee.type != "member_expression":
            continue
        prop = callee.child_by_field_name("property")
        if prop is None or _text(prop) != "config":
            continue
        for arg in args.named_children:
            if arg.type == "object" and (value := _pair_value(arg, "override")) is not None and _text(value) == "true":
                found.append((value.start_byte, value.end_byte, "false"))
    return found


def apply(source: str, found: list[Edit]) -> str:
    raw = source.encode("utf-8")
    for start, end, text in sorted(found, reverse=True):
        raw = raw[:start] + text.encode() + raw[end:]
    return raw.decode("utf-8")


def rewrite(source: str, suffix: str = ".js", loopback: bool = False) -> str:
    return apply(source, edits(source.encode("utf-8"), suffix, loopback))


def parses(source: str, suffix: str = ".js") -> bool:
    return not _parser(suffix).parse(source.encode("utf-8")).root_node.has_error
