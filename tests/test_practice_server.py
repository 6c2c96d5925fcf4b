"""`trace-net practice`'s server (delivery.md §2) through Flask's test client and a real
socket: the pages, the checker's JSON, 400 naming the place, 413 over 1 MiB, nothing served
outside its problems, no traceback, 127.0.0.1 by default, stateless workers."""
import http.client
import json
import shutil
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner

pytest.importorskip("flask", reason="flask not installed (pip install -e '.[test]' installs it)")

from tracer.cli import main  # noqa: E402
from tracer.practice import catalog  # noqa: E402
from tracer.practice.app import MAX_BODY, create_app  # noqa: E402
from tracer.practice.grading import body_of  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "worked_examples"
OR = EXAMPLES / "or_gate" / "problem.yaml"
SEED = EXAMPLES / "or_gate" / "seed_answers.yaml"
SECRET = "[build-system]"          # pyproject.toml's first line: must never be served


def practised():
    """The worked examples the page lists: network problems (graph: problems are not practised yet)."""
    return [p for p in EXAMPLES.glob("*/problem.yaml") if "\ngraph:" not in p.read_text()]


@pytest.fixture(scope="module")
def app():
    return create_app(EXAMPLES)


@pytest.fixture(scope="module")
def client(app):
    return app.test_client()


def cli_json(problem, answers):
    r = CliRunner().invoke(main, ["check", str(problem), str(answers), "--format", "json"])
    assert r.exit_code in (0, 1), r.output
    return r.output


def yaml_as_body(path):
    """An answers file as the JSON body the page sends (numbers as their text)."""
    from tracer.problem import load_yaml
    return body_of(load_yaml(Path(path).read_text(), str(path)))


# -- pages -------------------------------------------------------------------------------------
def test_the_folder_is_listed_on_root(client):
    r = client.get("/")
    assert r.status_code == 200 and r.mimetype == "text/html"
    html = r.get_data(as_text=True)
    names = sorted(p.parent.name for p in practised())
    assert {"or_gate", "mfnet_report_000", "relu_three_iterations", "adam_step"} <= set(names)
    assert html.count('<li><a href="p/') == len(names)
    for name in names:
        assert f'href="p/{name}"' in html
    assert "OR gate, one hidden layer (seed 002)" in html


def test_a_problem_page_has_an_input_per_entry_laid_out_as_the_matrix(client):
    html = client.get("/p/or_gate").get_data(as_text=True)
    # seed 002: Z1 is 2×4 (8 boxes in 4 columns), b1's gradient a column of 2, J one box
    card = html.split('data-key="0:Z1"')[1].split("</section>")[0]
    assert card.count('class="cell"') == 8 and "repeat(4, auto)" in card
    db1 = html.split('data-key="0:db1"')[1].split("</section>")[0]
    assert db1.count('class="cell"') == 2 and "repeat(1, auto)" in db1
    j = html.split('data-key="0:J"')[1].split("</section>")[0]
    assert j.count('class="cell"') == 1 and "scalar" in j
    # 17 quantities to compute: seed 002's 16 plus ∂J/∂A2; givens are shown, not asked
    assert html.count('class="card"') == 17
    assert 'data-key="0:W1"' not in html and 'data-key="0:A0"' not in html
    # the problem: its conventions, data and given matrices, the vendored KaTeX
    assert "samples as columns" in html and r'learning rate <span class="m">\eta = 0.5</span>' in html
    assert r"W^{[1]} &amp;= \begin{bmatrix} 0.2 &amp; 0.4 \\ 0.3 &amp; 0.5 \end{bmatrix}" in html
    assert '"static/katex/katex.min.js"' not in html and '"../static/katex/katex.min.js"' in html


def test_the_hint_is_the_next_line_without_the_result(client):
    html = client.get("/p/or_gate").get_data(as_text=True)
    card = html.split('data-key="0:Z1"')[1].split("</section>")[0]
    hint = card.split('class="hint"')[1]
    # W1 A0 + b1 with seed 002's numbers substituted ...
    assert r"\begin{bmatrix} 0.2 &amp; 0.4 \\ 0.3 &amp; 0.5 \end{bmatrix} \begin{bmatrix} 0 &amp; 0 &amp; 1 &amp; 1" in hint
    # ... but not Z1 = [0.3 0.7 0.5 0.9; 0.5 1 0.8 1.3] (seed 002's result)
    assert "0.7 &amp; 0.5 &amp; 0.9" not in hint and "1.3" not in hint


def test_a_single_problem_is_served_on_root(tmp_path):
    c = create_app(OR).test_client()
    html = c.get("/").get_data(as_text=True)
    assert 'data-key="0:dZ2"' in html and 'href="static/practice.js"' not in html
    assert '"static/practice.js"' in html
    assert c.get("/p/or_gate").status_code == 200
    r = c.post("/check", json=yaml_as_body(SEED))
    assert r.status_code == 200 and r.get_data(as_text=True) == cli_json(OR, SEED)


def test_static_files_are_only_the_shipped_ones(client):
    assert client.get("/static/katex/katex.min.js").status_code == 200
    css = client.get("/static/katex/katex.min.css")
    assert css.status_code == 200 and css.mimetype == "text/css"
    assert client.get("/static/katex/fonts/KaTeX_Main-Regular.woff2").mimetype == "font/woff2"
    assert client.get("/static/katex/LICENSE.txt").status_code == 200


# -- grading -----------------------------------------------------------------------------------
@pytest.mark.parametrize("example", sorted(p.parent.name for p in EXAMPLES.glob("*/seed_answers.yaml")))
def test_the_reply_is_trace_net_checks_json(client, example):
    problem, answers = EXAMPLES / example / "problem.yaml", EXAMPLES / example / "seed_answers.yaml"
    r = client.post(f"/p/{example}/check", json=yaml_as_body(answers))
    assert r.status_code == 200, r.get_data(as_text=True)
    assert r.mimetype == "application/json"
    assert r.get_data(as_text=True) == cli_json(problem, answers)


def test_seed_002s_delta_is_off_by_m(client):
    r = client.post("/p/or_gate/check", json={"answers": {"dZ2": [[".140", "-.091", "-.043", "-.039"]]}})
    res = r.get_json()["results"]
    assert [x["name"] for x in res] == ["dZ2"] and res[0]["status"] == "wrong"
    assert res[0]["diagnosis"].startswith("off by a constant factor m = 4")
    assert r.get_json()["summary"]["first_error"] == {"step": 0, "name": "dZ2"}
    assert r.headers["Server-Timing"].startswith("grade;dur=")      # what grading took, for operators


def test_numbers_keep_their_text_as_in_yaml(client):
    # JSON numbers and strings alike: 0.30 is two decimals, "3/10" a fraction
    a = client.post("/p/or_gate/check", json={"answers": {"Z1": [[0.3, 0.7, 0.5, 0.9], [0.5, 1.0, 0.8, 1.3]]}})
    b = client.post("/p/or_gate/check", data='{"answers": {"Z1": [["3/10", 0.70, 0.5, 0.9], [0.5, 1, 0.8, 1.3]]}}')
    for r in (a, b):
        assert r.status_code == 200
        assert r.get_json()["results"][0]["status"] == "correct"


def test_answers_for_several_steps(client):
    ex = "relu_three_iterations"
    answers = EXAMPLES / ex / "seed_answers.yaml"
    body = yaml_as_body(answers)
    assert "steps" in body and len(body["steps"]) == 3
    r = client.post(f"/p/{ex}/check", json=body)
    assert r.get_data(as_text=True) == cli_json(EXAMPLES / ex / "problem.yaml", answers)


def test_grading_leaves_the_trace_as_it_was(app, client):
    """Stateless: a reply depends on its request only, whatever was asked before, and two
    workers (two apps) answer alike."""
    body = {"answers": {"Z1": [[0.3, 0.7, 0.5, 0.9], [0.5, 1.0, 0.8, 1.3]], "A1": [[1, 1, 1, 1], [1, 1, 1, 1]],
                        "Z2": [[1.5, 1.5, 1.5, 1.5]]}}
    first = client.post("/p/or_gate/check", json=body).get_data()
    client.post("/p/or_gate/check", json=yaml_as_body(SEED))
    again = client.post("/p/or_gate/check", json=body).get_data()
    other_worker = create_app(EXAMPLES).test_client().post("/p/or_gate/check", json=body).get_data()
    assert first == again == other_worker
    assert json.loads(first)["results"][2]["status"] == "carried"


# -- bad requests --------------------------------------------------------------------------------
@pytest.mark.parametrize("body, place", [
    ('{"answers": {"Z1": [[0.3, 0.7', "body, line 1, column 30"),
    ("[1, 2]", "body"),
    ('{"answer": {}}', "body"),
    ('{"answers": {"Z1": 1}, "more": 2}', "body.more"),
    ('{"answers": [1]}', "answers"),
    ('{"answers": {"Z1": [[0.3, "x", 0.5, 0.9], [0.5, 1.0, 0.8, 1.3]]}}', "answers.Z1[0][1]"),
    ('{"answers": {"Z1": [[0.3, 0.7], [0.5, 1.0]]}}', "Z1: 2×2, but Z1 is 2×4"),
    ('{"answers": {"dz2": 1}}', "did you mean 'dZ2'"),
    ('{"answers": {"J": NaN}}', "NaN is not a number"),
    ('{"answers": {"J": Infinity}}', "Infinity is not a number"),
    ('{"answers": {"J": true}}', "answers.J"),
    ('{"steps": [{}, {}]}', "steps: answers for 2 steps, but this problem has 1 step"),
    ('{"answers": {"tolerance": {"rtol": -1}}}', "tolerance.rtol"),
    ('{"answers": {"J": ' + "[" * 5000 + "]" * 5000 + "}}", "body"),
    ('{"answers": {"J": 1e999999999}}', "answers.J: '1e999999999' is out of range"),
    ('{"answers": {"J": ' + "1" * 5000 + "}}", "body: an integer of more than 4,300 digits"),
])
def test_malformed_bodies_get_400_naming_the_place(client, body, place):
    r = client.post("/p/or_gate/check", data=body, content_type="application/json")
    assert r.status_code == 400, r.get_data(as_text=True)
    assert set(r.get_json()) == {"error"}
    assert place in r.get_json()["error"]


def test_a_body_that_is_not_utf8(client):
    r = client.post("/p/or_gate/check", data=b'{"answers": {"J": "\xff"}}')
    assert r.status_code == 400 and r.get_json()["error"].startswith("body: not UTF-8")


def test_check_on_root_of_a_folder_asks_for_the_problem(client):
    r = client.post("/check", json={"answers": {}})
    assert r.status_code == 400 and "/p/NAME/check" in r.get_json()["error"]


def test_bodies_over_1_mib_get_413(client):
    head = '{"answers": {"J": 0.0903}}'
    ok = head + " " * (MAX_BODY - len(head))
    assert len(ok.encode()) == MAX_BODY
    assert client.post("/p/or_gate/check", data=ok).status_code == 200
    r = client.post("/p/or_gate/check", data=ok + " ")
    assert r.status_code == 413 and "1 MiB" in r.get_json()["error"]
    assert client.post("/p/or_gate/answers-file", data="J: 0.09\n" + "#" * MAX_BODY).status_code == 413


def test_an_internal_error_is_never_a_traceback(client, monkeypatch):
    import tracer.practice.app as app_mod

    def boom(*a, **k):
        raise RuntimeError("secret internals")
    monkeypatch.setattr(app_mod, "check_json", boom)
    r = client.post("/p/or_gate/check", json={"answers": {"J": 1}})
    assert r.status_code == 500
    text = r.get_data(as_text=True)
    assert "Traceback" not in text and "secret internals" not in text and "RuntimeError" not in text
    assert r.get_json()["error"].startswith("internal error")


def test_wrong_methods_and_unknown_pages(client):
    assert client.get("/p/or_gate/check").status_code == 405
    r = client.get("/p/nope", headers={"Accept": "text/html"})
    assert r.status_code == 404 and r.mimetype == "text/html" and "nope" in r.get_data(as_text=True)
    r = client.get("/p/%3Cscript%3Ealert(1)%3C%2Fscript%3E", headers={"Accept": "text/html"})
    assert "<script>alert" not in r.get_data(as_text=True)
    assert client.post("/p/nope/check", json={"answers": {}}).status_code == 404


# -- nothing outside its problems ------------------------------------------------------------------
TRAVERSALS = [
    "/static/../pyproject.toml", "/static/../../pyproject.toml", "/static/..%2f..%2f..%2fpyproject.toml",
    "/static/%2e%2e/%2e%2e/%2e%2e/pyproject.toml", "/static//etc/passwd", "/static/%2Fetc%2Fpasswd",
    "/static/katex/../../app.py", "/static/..\\..\\..\\pyproject.toml", "/p/../../pyproject.toml",
    "/p/..%2f..%2fpyproject.toml", "/p/or_gate/problem.yaml", "/p/or_gate/../../../pyproject.toml",
    "/or_gate/problem.yaml", "/worked_examples/or_gate/problem.yaml", "//etc/passwd", "/../../etc/passwd",
    "/p/or_gate/seed_answers.yaml", "/static/practice.js/../../app.py", "/static/katex/fonts/",
    "/static/", "/static/katex", "/p/", "/p/or_gate/", "/app.py", "/.git/config", "/%00",
]


@pytest.mark.parametrize("path", TRAVERSALS)
def test_nothing_outside_its_problems_is_served(client, path):
    r = client.get(path)
    assert r.status_code in (404, 405), (path, r.status_code)
    text = r.get_data(as_text=True)
    assert SECRET not in text and "root:" not in text and "def create_app" not in text


@pytest.fixture(scope="module")
def server(app):
    """The app on a real socket (werkzeug's server, as `trace-net practice` runs it)."""
    from werkzeug.serving import make_server
    srv = make_server("127.0.0.1", 0, app, threaded=True)
    t = threading.Thread(target=srv.serve_forever, daemon=True)
    t.start()
    yield srv.server_port
    srv.shutdown()
    srv.server_close()


@pytest.mark.parametrize("path", TRAVERSALS)
def test_raw_paths_on_the_socket(server, path):
    """Paths as the client writes them, no normalisation on the way."""
    conn = http.client.HTTPConnection("127.0.0.1", server, timeout=10)
    conn.putrequest("GET", path, skip_host=False)
    conn.endheaders()
    r = conn.getresponse()
    body = r.read().decode("utf-8", "replace")
    conn.close()
    assert r.status in (400, 404, 405), (path, r.status)
    assert SECRET not in body and "root:" not in body and "Traceback" not in body


def test_a_chunked_body_over_1_mib_gets_413(server):
    conn = http.client.HTTPConnection("127.0.0.1", server, timeout=20)
    chunks = iter([b'{"answers": {"J": "0.09"}}'] + [b" " * 65536] * 20)
    conn.request("POST", "/p/or_gate/check", body=chunks, encode_chunked=True,
                 headers={"Content-Type": "application/json", "Transfer-Encoding": "chunked"})
    r = conn.getresponse()
    assert r.status == 413 and "1 MiB" in json.loads(r.read())["error"]
    conn.close()


def test_links_outside_the_folder_are_not_problems(tmp_path):
    (tmp_path / "inside").mkdir()
    shutil.copy(OR, tmp_path / "inside" / "problem.yaml")
    outside = tmp_path / "outside"
    outside.mkdir()
    shutil.copy(OR, outside / "secret.yaml")
    (tmp_path / "inside" / "link.yaml").symlink_to(outside / "secret.yaml")
    cat = catalog.load(tmp_path / "inside")
    assert list(cat.entries) == ["inside"]


# -- the folder ---------------------------------------------------------------------------------------
def test_a_generate_output_is_a_folder_of_problems(tmp_path):
    r = CliRunner().invoke(main, ["generate", str(ROOT / "examples/templates/or_gate.yaml"), "--count", "3",
                                  "--seed", "7", "-o", str(tmp_path / "hw")])
    assert r.exit_code == 0, r.output
    cat = catalog.load(tmp_path / "hw")
    assert sorted(cat.entries) == ["problem-1", "problem-2", "problem-3"]      # answer keys left out
    c = create_app(cat).test_client()
    body = yaml_as_body(tmp_path / "hw" / "answers-2.yaml")
    d = c.post("/p/problem-2/check", json=body).get_json()
    assert d["summary"]["wrong"] == 0 and d["summary"]["given"] > 10       # the key grades all correct


def test_names_are_safe_for_urls(tmp_path):
    f = tmp_path / "a b" / "ü<x>.yaml"
    f.parent.mkdir()
    shutil.copy(OR, f)
    cat = catalog.load(tmp_path)
    (name,) = cat.entries
    assert name == "a_b-_x" and create_app(cat).test_client().get(f"/p/{name}").status_code == 200


def test_user_text_is_escaped_in_the_page(tmp_path):
    text = OR.read_text().replace("title: OR gate, one hidden layer (seed 002)",
                                  'title: "</script><script>alert(1)</script> & <b>"')
    (tmp_path / "problem.yaml").write_text(text)
    html = create_app(tmp_path / "problem.yaml").test_client().get("/").get_data(as_text=True)
    assert "<script>alert(1)" not in html and "<b>" not in html
    assert "&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;" in html


# -- the upload --------------------------------------------------------------------------------------
def test_an_uploaded_answers_file_comes_back_as_the_inputs_texts(client):
    r = client.post("/p/or_gate/answers-file", data=SEED.read_bytes(), headers={"X-Filename": "seed.yaml"})
    assert r.status_code == 200
    d = r.get_json()
    (step,) = d["steps"]
    assert step["dZ2"] == [[".140", "-.091", "-.043", "-.039"]]       # the seed's own text
    assert step["db1"] == ["0.0008", "0.0014"] and step["J"] == "0.090"
    assert d["tolerance"] == {} and d["notes"] == []


@pytest.mark.parametrize("text, place", [
    ("Z1: [[0.3, 0.7]\n", "seed.yaml: invalid YAML at line 2"),
    ("dz2: 1\n", "did you mean 'dZ2'"),
    ("- 1\n", "seed.yaml: an answers file is a mapping"),
    ("J: .nan\n", "'.nan' is not a number"),
    ("a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1]\n" + "".join(f"{k}: &{k} [{', '.join(['*' + p] * 9)}]\n"
                                                    for p, k in zip("abcdefg", "bcdefgh")), "seed.yaml"),
])
def test_a_bad_upload_gets_400_naming_the_place(client, text, place):
    r = client.post("/p/or_gate/answers-file", data=text, headers={"X-Filename": "seed.yaml"})
    assert r.status_code == 400 and place in r.get_json()["error"], r.get_json()


# -- the command ---------------------------------------------------------------------------------------
class FakeServer:
    calls = []

    def __init__(self, host, port, app, threaded):
        FakeServer.calls.append((host, port, threaded, app))
        self.server_port = port or 54321

    def serve_forever(self):
        raise KeyboardInterrupt

    def server_close(self):
        pass


@pytest.fixture
def fake_server(monkeypatch):
    import werkzeug.serving
    FakeServer.calls = []
    monkeypatch.setattr(werkzeug.serving, "make_server", FakeServer)
    return FakeServer


def test_the_command_listens_on_localhost_unless_told(fake_server):
    r = CliRunner().invoke(main, ["practice", str(EXAMPLES)])
    assert r.exit_code == 0, r.output
    (host, port, threaded, app), = fake_server.calls
    assert (host, port, threaded) == ("127.0.0.1", 8000, True)
    n = len(practised())
    assert f"{n} problems at http://127.0.0.1:8000/" in r.output
    r = CliRunner().invoke(main, ["practice", str(OR), "--host", "0.0.0.0", "--port", "8123"])
    assert r.exit_code == 0 and fake_server.calls[-1][:2] == ("0.0.0.0", 8123)
    assert "1 problem at http://0.0.0.0:8123/" in r.output


def test_the_command_refuses_what_is_not_a_problem(tmp_path, fake_server):
    r = CliRunner().invoke(main, ["practice", str(tmp_path / "nothing.yaml")])
    assert r.exit_code == 2 and r.output.strip().endswith("no such file or folder")
    r = CliRunner().invoke(main, ["practice", str(tmp_path)])
    assert r.exit_code == 2 and "no problem file in this folder" in r.output
    r = CliRunner().invoke(main, ["practice", str(SEED)])
    assert r.exit_code == 2 and r.output.count("\n") == 1
    assert fake_server.calls == []


def test_a_later_step_asks_for_its_starting_parameters(client):
    """As the blank worksheet does: step 1 starts from the student's own W_next (seed 004
    miscopies b2 there), step 0's parameters are given."""
    html = client.get("/p/relu_three_iterations").get_data(as_text=True)
    assert 'data-key="1:W1"' in html and 'data-key="2:b3"' in html and 'data-key="0:W1"' not in html
    body = {"steps": [{}, {"b2": ["-0.335", "-0.335"]}]}
    r = client.post("/p/relu_three_iterations/check", json=body).get_json()
    assert r["results"][0]["name"] == "b2" and r["results"][0]["status"] == "wrong"


def test_the_readme_command_starts_it_on_the_worked_examples(fake_server, monkeypatch):
    import re
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    (command,) = re.findall(r"^trace-net practice .*$", readme, re.M)
    assert command == "trace-net practice worked_examples"
    monkeypatch.chdir(ROOT)
    r = CliRunner().invoke(main, command.split()[1:])
    assert r.exit_code == 0 and "at http://127.0.0.1:8000/" in r.output
    app = fake_server.calls[0][3]
    assert app.test_client().get("/p/or_gate").status_code == 200
    assert (ROOT / "docs" / "practice.png").stat().st_size > 20_000       # the screenshot it shows


def test_a_wheel_carries_every_static_file():
    """pyproject's package-data for tracer.practice covers every file the server serves
    (KaTeX, its fonts and licence, the page's script and style)."""
    import fnmatch
    tomllib = pytest.importorskip("tomllib", reason="needs tomllib to read pyproject.toml: install Python 3.11 or newer")
    conf = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]
    assert "tracer.practice" in conf["packages"]
    globs = conf["package-data"]["tracer.practice"]
    from tracer.practice.app import STATIC, static_files
    served = static_files()
    assert {"katex/katex.min.js", "katex/katex.min.css", "katex/LICENSE.txt", "practice.js",
            "practice.css"} <= set(served)
    def covers(glob, path):        # setuptools' globs: '*' stays within one folder
        g, p = glob.split("/"), path.split("/")
        return len(g) == len(p) and all(fnmatch.fnmatchcase(b, a) for a, b in zip(g, p))
    for rel in served:
        assert any(covers(g, f"static/{rel}") for g in globs), rel
    assert len(list((STATIC / "katex" / "fonts").glob("*.woff2"))) == 20
