"""`trace-net export moodle|canvas`: the questions hold the values of `trace-net generate`'s
answer key for the same seed, within the checker's tolerance max(1 %·|t|, 10⁻⁴) (restated
here), in the platforms' formats: every Moodle blank in the Cloze syntax Moodle's parser reads
(CLOZE below restates the grammar of question/type/multianswer/questiontype.php), every Canvas
item a numerical question with its range."""
import io
import re
import xml.etree.ElementTree as ET
import zipfile
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner

from tracer.cli import main
from tracer.problem import load_yaml

ROOT = Path(__file__).resolve().parent.parent
OR_GATE = ROOT / "examples" / "templates" / "or_gate.yaml"

NUMBER = r"-?(?:[0-9]+[.,]?[0-9]*|[.,][0-9]+)(?:[eE][-+]?[0-9]+)?"
ALTERNATIVE = rf"(=|%-?[0-9]+(?:[.,][0-9]*)?%)?({NUMBER})(?::({NUMBER}))?(?:#((?:[^~}}\\]|\\.)*))?"
CLOZE = re.compile(rf"\{{([0-9]*):(?:NUMERICAL|NM):({ALTERNATIVE}(?:~{ALTERNATIVE})*)\}}")


def invoke(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def key(tmp_path, template, n, seed):
    out = tmp_path / "key"
    assert invoke("generate", template, "-n", n, "--seed", seed, "-o", out).exit_code == 0
    return [load_yaml((out / f"answers-{k}.yaml").read_text()) for k in range(1, n + 1)]


def tolerance(t):
    return max(Fraction(1, 100) * abs(t), Fraction(1, 10**4))


def entries(value, column=True):
    """A key's value as the rows the platforms lay out (bias vectors as columns)."""
    if not isinstance(value, list):
        return [[value]]
    if not isinstance(value[0], list):
        return [[v] for v in value] if column else [value]
    return value


def alternatives(blank):
    m = CLOZE.fullmatch(blank)
    assert m, blank
    return [(w, Fraction(v), Fraction(t) if t else None, fb)
            for w, v, t, fb in re.findall(ALTERNATIVE, m.group(2))]


def test_moodle_cloze_per_variant_with_the_checkers_tolerance_and_slips(tmp_path):
    out = tmp_path / "q.xml"
    r = invoke("export", "moodle", OR_GATE, "-n", 2, "--seed", 3, "-o", out, "--ask", "Z1,dZ2,dW1")
    assert r.exit_code == 0, r.output
    quiz = ET.parse(out).getroot()
    cat, *questions = quiz.findall("question")
    assert cat.get("type") == "category" and cat.find("category/text").text == "$course$/top/trace-net/or_gate"
    assert [q.get("type") for q in questions] == ["cloze", "cloze"]
    keys = key(tmp_path, OR_GATE, 2, 3)
    for q, k in zip(questions, keys):
        text = q.find("questiontext/text").text
        assert "Moodle grades every entry on its own" in text
        blanks = re.findall(r"\{1:NUMERICAL:.*?(?<!\\)\}", text)
        want = [e for name in ("Z1", "dZ2", "dW1") for row in entries(k[name]) for e in row]
        assert len(blanks) == len(want)
        slips = set()
        for blank, true in zip(blanks, want):
            (w, v, tol, fb), *rest = alternatives(blank)
            t = Fraction(true)
            assert w == "=" and fb == "correct"
            assert abs(v - t) <= Fraction(1, 10**12) + abs(t) * Fraction(1, 10**15)
            assert abs(tol - tolerance(t)) <= tolerance(t) * Fraction(1, 10**9)
            for w2, v2, tol2, fb2 in rest:
                assert w2 == "%50%" and tol2 == tol and fb2
                slips.add(fb2)
        # the checker's own names for the slips of Δ²: the 1/m, σ for σ′
        assert "off by a constant factor m = 4 (the number of samples)" in slips
        assert "g used in place of its derivative g&#x27;" in slips or "g used in place of its derivative g'" in slips
        assert "(variant" in q.find("name/text").text and q.find("generalfeedback/text").text.count("\\[") > 5


TINY = (Path(__file__).resolve().parent / "data" / "tiny_values.yaml").read_text()


def items(zipped):
    z = zipfile.ZipFile(io.BytesIO(zipped))
    manifest = ET.fromstring(z.read("imsmanifest.xml"))
    ns = {"cp": "http://www.imsglobal.org/xsd/imscp_v1p1", "q": "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"}
    hrefs = [r.get("href") for r in manifest.findall("cp:resources/cp:resource", ns)]
    assert all(r.get("type") == "imsqti_xmlv1p2" for r in manifest.findall("cp:resources/cp:resource", ns))
    assert sorted(hrefs) == sorted(n for n in z.namelist() if n != "imsmanifest.xml")
    return [ET.fromstring(z.read(h)).findall(".//q:item", ns) for h in hrefs], ns


def test_canvas_numerical_items_in_a_stated_scale_below_1e_4(tmp_path):
    src = tmp_path / "tiny.yaml"
    src.write_text(TINY)
    out = tmp_path / "q.zip"
    r = invoke("export", "canvas", src, "-o", out, "--ask", "Z1,dW1")
    assert r.exit_code == 0, r.output
    (its,), ns = items(out.read_bytes())
    intro, *numeric = its
    meta = lambda it: {f.find("q:fieldlabel", ns).text: f.find("q:fieldentry", ns).text  # noqa: E731
                       for f in it.findall(".//q:qtimetadatafield", ns)}
    assert meta(intro)["question_type"] == "text_only_question"
    assert "Canvas grades each entry on its own" in intro.find(".//q:mattext", ns).text
    (k,) = key(tmp_path, src, 1, 0)
    want = [(name, e) for name in ("Z1", "dW1") for row in entries(k[name]) for e in row]
    assert len(numeric) == len(want)
    for it, (name, true) in zip(numeric, want):
        assert meta(it)["question_type"] == "numerical_question"
        text = it.find(".//q:mattext", ns).text
        scale = re.search(r"Enter 10<sup>(\d+)</sup> ×", text)
        k10 = int(scale.group(1)) if scale else 0
        t = Fraction(true) * 10**k10
        lo = Fraction(it.find(".//q:vargte", ns).text)
        hi = Fraction(it.find(".//q:varlte", ns).text)
        assert lo <= t <= hi
        assert abs((hi - lo) / 2 - tolerance(Fraction(true)) * 10**k10) <= (hi - lo) * Fraction(1, 10**9)
        assert (hi - lo) / 2 >= Fraction(1, 10**4)                      # what Canvas can hold
        if name == "dW1":
            assert k10 >= 2                 # −8.13·10⁻⁷ and its tolerance 10⁻⁴: asked ×100 at least
        else:
            assert k10 == 0


def test_canvas_package_is_the_same_bytes_for_the_same_seed(tmp_path):
    a, b = tmp_path / "a.zip", tmp_path / "b.zip"
    for p in (a, b):
        assert invoke("export", "canvas", OR_GATE, "-n", 2, "--seed", 1, "-o", p, "--ask", "Z1").exit_code == 0
    assert a.read_bytes() == b.read_bytes()
    (first, second), _ = items(a.read_bytes())
    assert len(first) == len(second) == 1 + 8


@pytest.mark.parametrize("platform,ext", [("moodle", "xml"), ("canvas", "zip")])
def test_bad_input_is_one_line(platform, ext, tmp_path):
    r = invoke("export", platform, OR_GATE, "-o", tmp_path / f"q.{ext}", "--ask", "W1")
    assert r.exit_code == 2 and r.output.strip() == "Error: --ask: W1 is given in the problem, not asked"
    assert not (tmp_path / f"q.{ext}").exists()
