"""The package folder (scripts/build-package.sh → dist/package/) used the ways its README says:
`npm install` of the folder into a sample portal written in TypeScript, whose code `tsc --strict`
checks against the package's declarations (and whose misuse it must reject), and the same
module in Node.js 20+ under Node's own test runner (tests/e2e/node/package.test.mjs), where a
request from the fixed RSA key must be the Rust engine's bytes. A plain static page importing
the folder is tests/e2e/test_embed.py, run on dist/package as on dist/embed.

node, npm and tsc (scripts/setup.sh) are oracles here: missing, the tests skip, or fail under
CI=true.
"""
import json
import os
import pathlib
import re
import shutil
import subprocess
import tomllib

import pytest

from selenium.webdriver.common.by import By

from browser import DIST, ROOT, browser_errors, chromium, serve, wait_for
from checkers import check_request

PACKAGE = pathlib.Path(os.environ.get("CERTREQ_PACKAGE", DIST / "package"))
SAMPLE = ROOT / "examples" / "portal-ts"
NODE_TEST = pathlib.Path(__file__).parent / "node" / "package.test.mjs"
FILES = ["certreq_web.js", "certreq_web_bg.wasm", "certreq_web.d.ts", "certreq_web_node.js",
         "certreq_web_enroll.js", "certreq_web_enroll_bg.wasm", "certreq_web_enroll.d.ts",
         "certreq-tools.wasm", "certreq-enroll.js", "certreq-enroll.d.ts", "README.md",
         "diagnostic-codes.md", "package.json"]


def tool(name):
    path = shutil.which(name)
    if path is None:
        message = f"{name} is not installed (scripts/setup.sh installs it)"
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def run(args, cwd, env=None, timeout=300):
    return subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True,
                          timeout=timeout, env={**os.environ, **(env or {})})


@pytest.fixture(scope="module")
def package():
    for name in FILES:
        if not (PACKAGE / name).exists():
            pytest.fail(f"{PACKAGE}/{name} is missing: run scripts/build-package.sh dist/package")
    return PACKAGE


@pytest.fixture(scope="module")
def project(package, tmp_path_factory):
    """The TypeScript sample portal in a fresh folder, with the package installed the way a
    portal author installs it: `npm install <folder>`, offline, as a packed copy (so the
    package.json `files` list decides what arrives)."""
    npm = tool("npm")
    root = tmp_path_factory.mktemp("portal-ts")
    shutil.copytree(SAMPLE / "src", root / "src")
    shutil.copy(SAMPLE / "tsconfig.json", root)
    manifest = json.loads((SAMPLE / "package.json").read_text())
    manifest.pop("dependencies")
    (root / "package.json").write_text(json.dumps(manifest, indent=2))
    proc = run([npm, "install", "--offline", "--no-audit", "--no-fund", "--install-links",
                package.resolve()], cwd=root)
    assert proc.returncode == 0, f"npm install of the package failed:\n{proc.stdout}\n{proc.stderr}"
    installed = root / "node_modules" / "certreq-web"
    assert not installed.is_symlink(), "the package should be installed as a copy"
    return root


def test_the_package_json_names_the_module_its_types_and_files(package):
    manifest = json.loads((package / "package.json").read_text())
    workspace = tomllib.loads((ROOT / "Cargo.toml").read_text())["workspace"]["package"]
    assert manifest["name"] == "certreq-web"
    assert manifest["version"] == workspace["version"]
    assert manifest["type"] == "module"
    entry = manifest["exports"]["."]
    assert entry == {"types": "./certreq_web.d.ts", "node": "./certreq_web_node.js",
                     "import": "./certreq_web.js"}
    assert list(entry)[0] == "types", "TypeScript reads the first matching condition"
    assert manifest["exports"]["./enrollment"] == {"types": "./certreq_web_enroll.d.ts",
                                                   "import": "./certreq_web_enroll.js"}
    assert manifest["exports"]["./element"] == {"types": "./certreq-enroll.d.ts",
                                                "import": "./certreq-enroll.js"}
    assert sorted(manifest["files"]) == sorted(f for f in FILES if f != "package.json")


def test_npm_install_brings_the_module_wasm_and_declarations(project):
    installed = project / "node_modules" / "certreq-web"
    assert sorted(p.name for p in installed.iterdir()) == sorted(FILES)
    assert (installed / "certreq_web_bg.wasm").read_bytes()[:4] == b"\0asm"


BASE_EXPORTS = ["export function compile(infText: string): CompileResult;",
                "export function createRequest(infText: string, keyPair?: CryptoKeyPair | null):"
                " Promise<CreatedRequest>;",
                "export function initSync(",
                "export default function __wbg_init"]
ENROLL_EXPORTS = [
    "export function generate(infText: string): Promise<GeneratedRequest>;",
    "export function submit(request: string | Uint8Array | null, options: "
    "CaOptions & ({ entry?: string; store?: true } | { entry?: undefined; store: false })):"
    " Promise<EnrollResult>;",
    "export function retrieve(options: CaOptions & ({ entry: string; requestId?: number; "
    "store?: true } | { entry?: undefined; requestId: number; store?: boolean })):"
    " Promise<EnrollResult>;",
    "export function accept(certificate: string | Uint8Array): Promise<Entry>;",
    "export function list(): Promise<Entry[]>;",
    "export function get(id: string): Promise<StoredEntry | null>;",
    "export function remove(id: string): Promise<void>;",
    "export function exportPfx(id: string, password: string, legacy?: boolean):"
    " Promise<Uint8Array>;",
    "export function setToolsUrl(url: string | URL): void;"]


@pytest.mark.parametrize("module", ["certreq_web", "certreq_web_enroll"])
def test_the_declarations_give_every_export_a_precise_type(package, module):
    text = (package / f"{module}.d.ts").read_text()
    expected = BASE_EXPORTS + (ENROLL_EXPORTS if module == "certreq_web_enroll" else [])
    for export in expected:
        assert export in text, f"the declarations lack {export!r}:\n{text}"
    if module == "certreq_web":
        # the module a page loads first carries no enrollment
        assert "export function submit" not in text
    # `any` only in the raw wasm exports wasm-bindgen describes (InitOutput), never in the API
    api = re.sub(r"/\*.*?\*/", "", text.split("export type InitInput")[0], flags=re.S)
    assert not re.search(r"\bany\b", api), api


def test_the_typescript_sample_portal_compiles_under_strict(project):
    tsc = tool("tsc")
    proc = run([tsc, "--noEmit", "--strict", "-p", project], cwd=project)
    assert proc.returncode == 0, f"tsc rejected the sample portal:\n{proc.stdout}{proc.stderr}"


# Each line misuses the API; with `any` anywhere on its path tsc would let it through.
MISUSE = """import init, { compile, createRequest, initSync } from "certreq-web";
import { submit, retrieve, list, get, exportPfx, setToolsUrl, accept } from "certreq-web/enrollment";
import "certreq-web/element";
const ready: number = await init();
const output: string = initSync({ module: new Uint8Array() });
compile(42);
compile("").preview.key;
const severity: "fatal" = compile("").diagnostics[0]!.severity;
const line: string = compile("").diagnostics[0]!.line;
const made = await createRequest("", { publicKey: "a", privateKey: "b" });
made.der.toUpperCase();
if (made.kind === "csr") {}
const stage: number = made.timings.network;
const help: string = compile("").diagnostics[0]!.help;
await submit(made.pem, { ca: 42 });
await retrieve({ ca: "https://ca.example/certsrv" });
const state: "revoked" = (await list())[0]!.state;
(await get("id"))!.keyPair.privateKey;
const pfx: string = await exportPfx("id", "pw");
setToolsUrl(7);
(await submit(made.pem, { ca: "https://ca.example/certsrv" })).certificate.length;
await accept(made.keyPair);
document.querySelector("certreq-enroll")!.addEventListener("certreq-issued", (e) => e.detail.certificate.toFixed());
export { ready, output, severity, line, stage, help, state, pfx };
"""


def test_tsc_rejects_misuse_of_the_package(project, tmp_path):
    tsc = tool("tsc")
    bad = project / "misuse"
    bad.mkdir(exist_ok=True)
    (bad / "misuse.ts").write_text(MISUSE)
    config = json.loads((project / "tsconfig.json").read_text())
    config["compilerOptions"]["rootDir"] = "misuse"
    config["include"] = ["misuse"]
    (project / "tsconfig.misuse.json").write_text(json.dumps(config))
    proc = run([tsc, "--noEmit", "--strict", "-p", project / "tsconfig.misuse.json"], cwd=project)
    assert proc.returncode != 0
    lines = {int(m) for m in re.findall(r"misuse\.ts\((\d+),\d+\): error", proc.stdout)}
    assert lines == set(range(4, 24)), f"tsc should reject lines 4–23 exactly:\n{proc.stdout}"


def test_node_makes_the_same_request_bytes_as_the_engine(project, tmp_path):
    node = tool("node")
    version = run([node, "--version"], cwd=project).stdout.strip()
    assert int(version.lstrip("v").split(".")[0]) >= 20, f"Node.js 20+ is needed, found {version}"
    shutil.copy(NODE_TEST, project / NODE_TEST.name)
    out = tmp_path / "out"
    out.mkdir()
    env = {"CERTREQ_KEY": str(ROOT / "tests" / "data" / "test-rsa-2048.pk8.pem"),
           "CERTREQ_GOLDEN": str(ROOT / "tests" / "data" / "golden-suppress-defaults.der"),
           "CERTREQ_OUT": str(out)}
    proc = run([node, "--test", "--test-reporter=spec", NODE_TEST.name], cwd=project, env=env)
    assert proc.returncode == 0, f"node --test failed:\n{proc.stdout}\n{proc.stderr}"
    assert re.search(r"^ℹ pass 8$", proc.stdout, re.M), proc.stdout
    rsa = check_request(out / "fixed-rsa.req", tmp_path)
    assert rsa.subject == "CN=bare"
    p256 = check_request(out / "p256.req", tmp_path)
    assert p256.key_description == "EC-secp256r1"
    assert p256.subject == "CN=node.example.com,O=Example,C=US"


def test_the_sample_portal_checks_the_inf_and_makes_a_request_in_chromium(project, tmp_path):
    tsc = tool("tsc")
    proc = run([tsc, "-p", project], cwd=project)  # → build/portal.js
    assert proc.returncode == 0, f"tsc could not build the sample portal:\n{proc.stdout}"
    shutil.copy(SAMPLE / "index.html", project)
    with serve(project) as url:
        driver = chromium()
        try:
            driver.get(url + "/index.html")
            text = lambda name: driver.find_element(By.ID, name).text  # noqa: E731
            summary = wait_for(lambda: text("summary"), what="the preview of the sample INF")
            lines = summary.splitlines()
            assert lines[:2] == ["PKCS #10 for C=US (PrintableString), O=Example (UTF8String), "
                                 "CN=host.corp.example.com (UTF8String)",
                                 "ECDSA P-256, signed with ecdsa-with-SHA256"], summary
            driver.find_element(By.ID, "make").click()
            made = wait_for(lambda: text("pem"), what="the request", timeout=60)
            assert made.startswith("Request, "), f"{made}; console: {browser_errors(driver)}"
            path = tmp_path / "portal.req"
            path.write_text(made[made.index("-----BEGIN"):])
            checked = check_request(path, tmp_path)
            assert checked.subject == "CN=host.corp.example.com,O=Example,C=US"
            # an INF with an error: listed at its line, and the button is off
            area = driver.find_element(By.ID, "inf")
            area.clear()
            area.send_keys('[NewRequest]\nSubject = "CN=x"\nKeyLength = many\n')
            problem = wait_for(lambda: driver.find_elements(By.CSS_SELECTOR,
                                                            '#problems li[data-severity="error"]'),
                               what="the error in the list")[0].text
            assert problem.startswith("line 3:"), problem
            assert not driver.find_element(By.ID, "make").is_enabled()
            assert text("summary") == ""
        finally:
            driver.quit()
