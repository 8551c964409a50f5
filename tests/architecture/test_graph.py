"""The architecture ARCHITECTURE.md draws is the one the build has.

- The crate graph: ARCHITECTURE.md's "Crate graph" block lists every workspace crate and the
  workspace crates it depends on (normal dependencies); `cargo metadata` must say the same,
  edge for edge. So the drawing cannot drift, and the rules that rest on the graph (the web
  app cannot name the decoder, PKCS #12, enrollment or reference crates; devca depends on what
  it uses) are facts of the build that this test keeps written down.
- No module cycles: inside each crate, the top-level modules' `crate::` references form no
  cycle (a module and its own submodules count as one).
"""
import json
import pathlib
import re
import subprocess

ROOT = pathlib.Path(__file__).resolve().parents[2]


def metadata():
    out = subprocess.run(["cargo", "metadata", "--format-version", "1", "--no-deps"],
                         cwd=ROOT, capture_output=True, text=True, check=True, timeout=300)
    return json.loads(out.stdout)


def workspace_graph():
    meta = metadata()
    names = {p["name"] for p in meta["packages"]}
    graph = {}
    for p in meta["packages"]:
        deps = {d["name"] for d in p["dependencies"] if d["kind"] is None and d["name"] in names}
        graph[p["name"]] = deps
    return graph, meta


def drawn_graph():
    text = (ROOT / "ARCHITECTURE.md").read_text()
    block = re.search(r"<!-- crate-graph -->\s*```text\n(.*?)```", text, re.S)
    assert block, "ARCHITECTURE.md has no crate-graph block"
    graph = {}
    for line in block.group(1).splitlines():
        if not line.strip():
            continue
        crate, _, deps = line.partition("→")
        deps = {d.strip() for d in deps.split(",") if d.strip() and d.strip() != "(none)"}
        graph[crate.strip()] = deps
    return graph


def test_the_crate_graph_is_the_one_architecture_md_draws():
    built, _ = workspace_graph()
    drawn = drawn_graph()
    assert sorted(drawn) == sorted(built), "the drawing and the workspace list other crates"
    for crate in built:
        assert drawn[crate] == built[crate], (
            f"{crate}: ARCHITECTURE.md draws {sorted(drawn[crate])}, Cargo.toml has "
            f"{sorted(built[crate])}")


def test_the_first_download_cannot_name_what_it_must_not_link():
    built, _ = workspace_graph()
    for lazy in ("certreq-read", "certreq-enroll", "certreq-keydocs", "certreq-web-tools"):
        assert lazy not in built["certreq-web"], (
            f"the app depends on {lazy}: it would be able to link it into the first download")
    # ... and nothing it depends on reaches them either
    seen, todo = set(), ["certreq-web"]
    while todo:
        crate = todo.pop()
        for dep in built.get(crate, ()):
            if dep not in seen:
                seen.add(dep)
                todo.append(dep)
    assert not seen & {"certreq-read", "certreq-enroll", "certreq-keydocs"}, sorted(seen)


def test_the_graph_has_no_cycle():
    built, _ = workspace_graph()
    assert find_cycle(built) is None


def find_cycle(graph):
    state = {}

    def visit(node, path):
        state[node] = "open"
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == "open":
                return path + [node, nxt]
            if nxt not in state:
                found = visit(nxt, path + [node])
                if found:
                    return found
        state[node] = "done"
        return None

    for node in sorted(graph):
        if node not in state:
            found = visit(node, [])
            if found:
                return found
    return None


def module_graph(src: pathlib.Path):
    """Top-level module → the top-level modules it refers to with `crate::`, for one crate."""
    graph = {}
    for path in src.rglob("*.rs"):
        rel = path.relative_to(src)
        top = rel.parts[0].removesuffix(".rs")
        if top in ("lib", "main"):
            continue
        if any(p == "tests" or p == "tests.rs" for p in rel.parts[1:]) or top == "tests":
            continue
        code = path.read_text()
        # the unit tests at the end of a file are not part of the module's dependencies
        code = re.split(r"#\[cfg\(test\)\]\s*mod tests \{", code)[0]
        code = re.sub(r"//.*", "", code)
        refs = set(re.findall(r"\bcrate::([a-z_][a-z0-9_]*)", code))
        for group in re.findall(r"\bcrate::\{([^}]*)\}", code):
            refs |= set(re.findall(r"\b([a-z_][a-z0-9_]*)\b", group))
        graph.setdefault(top, set()).update(r for r in refs if r != top)
    return graph


def test_no_module_cycles_inside_a_crate():
    _, meta = workspace_graph()
    checked = 0
    for p in meta["packages"]:
        src = pathlib.Path(p["manifest_path"]).parent / "src"
        if not src.is_dir():
            continue
        modules = {f.name.removesuffix(".rs") for f in src.iterdir()
                   if f.suffix == ".rs" or f.is_dir()}
        graph = {m: {d for d in deps if d in modules} for m, deps in module_graph(src).items()}
        cycle = find_cycle(graph)
        assert cycle is None, f"{p['name']}: modules refer to each other in a cycle: {cycle}"
        checked += 1
    assert checked >= 10
