"""Node app archetypes (Express, Fastify, a Next.js-style build) and the fault families written into them, for
scripts/gen_scenarios.py."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from dataclasses import dataclass

from scenario_model import Files, Scenario, dedent, drop_empty_slot

# ---------------------------------------------------------------------------------------------------------------
# Node archetypes
# ---------------------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class NodeArchetype:
    name: str
    source: str
    listen: str
    """The listening statement with {host}/{port} placeholders."""
    dependencies: dict[str, str]
    file: str = "server.js"
    build: str | None = None
    """A build script: the server is generated into dist/ by `npm run build` (a Next.js-style build)."""


EXPRESS = NodeArchetype("express", dedent('''
    const express = require('express');
    {top}
    const app = express();

    app.get('/healthz', (req, res) => {
      {lazy}
      res.json({ status: 'ok' });
    });

    {main}
'''), "app.listen({port}, {host}, () => console.log('listening'));", {"express": "^4.21.2"})

FASTIFY = NodeArchetype("fastify", dedent('''
    const fastify = require('fastify')({ logger: true });
    {top}

    fastify.get('/healthz', async () => {
      {lazy}
      return { status: 'ok' };
    });

    {main}
'''), "fastify.listen({ port: {port}, host: {host} }).then(() => console.log('listening'));", {"fastify": "^5.4.0"})

NEXTLIKE = NodeArchetype("next-build", dedent('''
    const http = require('http');
    {top}

    const server = http.createServer((req, res) => {
      {lazy}
      res.writeHead(req.url === '/healthz' ? 200 : 404, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify(req.url === '/healthz' ? { status: 'ok', built: BUILD_ID } : { error: 'not found' }));
    });

    {main}
'''), "server.listen({port}, {host}, () => console.log('listening'));", {}, file="src/server.js",
    build=dedent('''
        // a Next.js-style build step: compile src/ into dist/ with a build id
        const fs = require('fs');
        const path = require('path');
        fs.mkdirSync('dist', { recursive: true });
        const id = Date.now().toString(36);
        const src = fs.readFileSync(path.join('src', 'server.js'), 'utf8');
        fs.writeFileSync(path.join('dist', 'server.js'), `const BUILD_ID = '${id}';\\n` + src);
        console.log('build ' + id + ' ready');
    '''))

NODE_ARCHETYPES = [EXPRESS, FASTIFY, NEXTLIKE]
JS_HEALTHY_PORT = "Number(process.env.PORT) || 3000"
JS_HEALTHY_HOST = "'0.0.0.0'"
NODE_DEPS = [("ms", "^2.1.3", "ms('2 days')"), ("dayjs", "^1.11.13", "dayjs().year()"), ("lodash", "^4.17.21", "lodash.chunk([1, 2], 1)")]


def render_js(arch: NodeArchetype, top: str = "", lazy: str = "", main: str | None = None, port: str = JS_HEALTHY_PORT,
              host: str = JS_HEALTHY_HOST) -> str:
    if main is None:
        main = arch.listen.replace("{port}", port).replace("{host}", host)
    src = arch.source if lazy else drop_empty_slot(arch.source, "{lazy}")
    src = src.replace("{top}", top).replace("{lazy}", lazy).replace("{main}", main)
    lines = [line.rstrip() for line in src.splitlines()]
    return "\n".join(ln for i, ln in enumerate(lines) if ln or i == 0 or lines[i - 1]).strip("\n") + "\n"


def node_files(arch: NodeArchetype, source: str, deps: dict[str, str] | None = None, start: str | None = None,
               extra: dict[str, object] | None = None) -> Files:
    entry = "dist/server.js" if arch.build else arch.file
    pkg: dict[str, object] = {"name": f"gen-{arch.name}", "version": "1.0.0", "private": True,
                              "scripts": {"start": start or f"node {entry}", **({"build": "node build.js"} if arch.build else {})},
                              "dependencies": dict(sorted({**arch.dependencies, **(deps or {})}.items()))}
    pkg.update(extra or {})
    files = {arch.file: source, "package.json": json.dumps(pkg, indent=2) + "\n", "Procfile": "web: npm start\n",
             ".gitignore": "node_modules/\ndist/\n"}
    if arch.build:
        files["build.js"] = arch.build
    return files


def node_missing(arch: NodeArchetype, rng: random.Random) -> list[Scenario]:
    name, _, use = rng.choice(NODE_DEPS)
    variants = {
        "top-level-require": (render_js(arch, top=f"const {name} = require('{name}');\nconst STARTED = {use};"), {}),
        "lazy-in-handler": (render_js(arch, lazy=f"const {name} = require('{name}');  // loaded on first request\n  {use};"), {}),
        "in-submodule": (render_js(arch, top="const { describe } = require('./lib/describe');\nconst DESCRIPTION = describe();"),
                         {"lib/describe.js": f"const {name} = require('{name}');\n\nexports.describe = () => String({use});\n"}),
    }
    if arch.build:  # the submodule sits beside the compiled server
        variants["in-submodule"] = (render_js(arch, top="const { describe } = require('../lib/describe');\nconst DESCRIPTION = describe();"),
                                    variants["in-submodule"][1])
    return [Scenario(f"gen-{arch.name}-missing-{variant}", arch.name, "missing_dependency", variant,
                     f"{arch.name} app requires {name} ({variant.replace('-', ' ')}) but package.json does not declare it",
                     "missing_dependency", {**node_files(arch, source), **extra}, must_touch=["package.json"], must_not_touch=[arch.file])
            for variant, (source, extra) in variants.items()]


def node_port(arch: NodeArchetype, rng: random.Random) -> list[Scenario]:
    fixed = rng.choice([3000, 3001, 4000, 8080, 5173])
    variants: dict[str, tuple[Files, list[str]]] = {
        "literal-in-call": (node_files(arch, render_js(arch, port=str(fixed))), [arch.file]),
        "constant": (node_files(arch, render_js(arch, top=f"const LISTEN_ON = {fixed};\nconst BIND = 'localhost';",
                                                port="LISTEN_ON", host="BIND")), [arch.file]),
        "config-object": (node_files(arch, render_js(arch, top=f"const config = {{ port: {fixed}, host: '127.0.0.1' }};",
                                                     port="config.port", host="config.host")), [arch.file]),
        "function-default": (node_files(arch, render_js(arch, main=f"function start(port = {fixed}, host = '0.0.0.0') {{\n  "
                                                        + arch.listen.replace("{port}", "port").replace("{host}", "host")
                                                        + "\n}\n\nstart();")), [arch.file]),
        "other-env-variable": (node_files(arch, render_js(arch, port=f"Number(process.env.APP_PORT || {fixed})")), [arch.file]),
        "config-module": ({**node_files(arch, render_js(arch, top=f"const settings = require('{'../' if arch.build else './'}settings');",
                                                        port="settings.port", host="settings.host")),
                           "settings.js": f"module.exports = {{ port: {fixed}, host: '0.0.0.0', cache: {{ port: 6379 }} }};\n"},
                          ["settings.js"]),
        "json-config-file": ({**node_files(arch, render_js(arch, top=f"const config = require('{'../' if arch.build else './'}config.json');",
                                                           port="config.server.port", host="'0.0.0.0'")),
                              "config.json": json.dumps({"server": {"port": fixed}, "name": arch.name}) + "\n"},
                             [arch.file]),
    }
    if arch.name == "fastify":
        variants["options-object"] = (node_files(arch, render_js(arch, top=f"const listenOptions = {{ port: {fixed}, host: '127.0.0.1' }};",
                                                                 main="fastify.listen(listenOptions).then(() => console.log('listening'));")),
                                      [arch.file])
    return [Scenario(f"gen-{arch.name}-port-{variant}", arch.name, "port_binding", variant,
                     f"{arch.name} app listens on a fixed {fixed} ({variant.replace('-', ' ')}) instead of $PORT", "port_binding",
                     files, must_touch=touch) for variant, (files, touch) in variants.items()]


def node_other(arch: NodeArchetype, rng: random.Random) -> list[Scenario]:
    healthy = render_js(arch)
    name, rng_range, use = rng.choice(NODE_DEPS)
    with_dep = render_js(arch, top=f"const {name} = require('{name}');\nconst STARTED = {use};")
    lock = {"name": f"gen-{arch.name}", "version": "1.0.0", "lockfileVersion": 3, "requires": True,
            "packages": {"": {"name": f"gen-{arch.name}", "version": "1.0.0"}}}
    entry = "dist/server.js" if arch.build else arch.file
    wrong = "index.js"
    out = [
        Scenario(f"gen-{arch.name}-conflict-range-that-does-not-exist", arch.name, "dependency_conflict", "range-that-does-not-exist",
                 f"{arch.name} app depends on {name}@^99.0.0, which was never published", "dependency_conflict",
                 node_files(arch, with_dep, {name: "^99.0.0"}), must_touch=["package.json"], must_not_touch=[arch.file]),
        Scenario(f"gen-{arch.name}-runtime-engines", arch.name, "runtime_version", "engines",
                 f"{arch.name} app's package.json engines asks for node >=99", "runtime_version",
                 {**node_files(arch, healthy, extra={"engines": {"node": ">=99"}}), ".npmrc": "engine-strict=true\n"},
                 must_touch=["package.json"], must_not_touch=[arch.file]),
        Scenario(f"gen-{arch.name}-network-registry-flake", arch.name, "network_transient", "registry-flake",
                 f"healthy {arch.name} app; the first build fails with a registry network error", "network_transient",
                 node_files(arch, healthy), faults={"build_network_errors": 1}, must_not_touch=[arch.file, "package.json"]),
    ]
    if not arch.build:  # a built server has no source file to point the start script at
        out.append(Scenario(f"gen-{arch.name}-start-wrong-file", arch.name, "start_command", "wrong-file",
                            f"{arch.name} app's start script runs {wrong}; the server is {entry}", "start_command",
                            node_files(arch, healthy, start=f"node {wrong}"), must_touch=["package.json", "Procfile"],
                            must_not_touch=[arch.file]))
    if not arch.dependencies:  # a lockfile that predates the dependency (apps with framework deps would need a full lock)
        out.append(Scenario(f"gen-{arch.name}-lockfile-drift", arch.name, "lockfile_mismatch", "lockfile-drift",
                            f"{arch.name} app added {name} to package.json but package-lock.json was not regenerated",
                            "lockfile_mismatch", {**node_files(arch, with_dep, {name: rng_range}),
                                                  "package-lock.json": json.dumps(lock, indent=2) + "\n"},
                            must_touch=["package-lock.json"], must_not_touch=[arch.file]))
    return out


NODE_FAMILIES: list[Callable[[NodeArchetype, random.Random], list[Scenario]]] = [node_missing, node_port, node_other]
