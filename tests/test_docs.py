"""The documentation site builds, and every estimator's HTML repr links to its page."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest
from sklearn.utils import estimator_html_repr

import skdeepad
from skdeepad import AutoEncoder, TunedThresholdDetector, all_detectors
from skdeepad._config import DOCS_URL

from ._params import fast_params

ROOT = Path(__file__).resolve().parents[1]
DOCS_PACKAGES = ["sphinx", "numpydoc", "sphinx_gallery", "pydata_sphinx_theme"]


def _page(name):
    return f"api/generated/skdeepad.{name}.html"


def test_doc_link_points_at_the_api_page():
    assert AutoEncoder()._get_doc_link() == DOCS_URL + _page("AutoEncoder")
    links = {
        name: cls(**fast_params(name))._get_doc_link() for name, cls in all_detectors()
    }
    assert links == {name: DOCS_URL + _page(name) for name in links}


def test_html_repr_links_every_step():
    html = estimator_html_repr(TunedThresholdDetector(AutoEncoder()))
    assert DOCS_URL + _page("TunedThresholdDetector") in html
    assert DOCS_URL + _page("AutoEncoder") in html


def test_a_subclass_outside_skdeepad_gets_no_link():
    class MyAutoEncoder(AutoEncoder):
        pass

    assert MyAutoEncoder()._get_doc_link() == ""


def test_docs_build_without_warnings(tmp_path):
    missing = [p for p in DOCS_PACKAGES if importlib.util.find_spec(p) is None]
    if missing:
        pytest.skip(f"the docs extra is not installed (missing {', '.join(missing)})")
    out = tmp_path / "html"
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-W", "-q", "-b", "html", "docs", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, result.stderr[-5000:]
    # every public name has its page, and the HTML repr's links land on one
    for name in skdeepad.__all__:
        if not name.startswith("_"):
            assert (out / _page(name)).is_file(), name
    for name, _ in all_detectors():
        assert (out / _page(name)).is_file(), name
    for page in ["getting_started", "benchmarks", "user_guide/contract"]:
        assert (out / f"{page}.html").is_file(), page
    gallery = sorted(p.stem for p in (out / "auto_examples").glob("*.html"))
    examples = sorted(p.stem for p in (ROOT / "examples").glob("*.py"))
    assert set(examples) <= set(gallery)
    # the quick start shown is the README's
    assert "StratifiedKFold" in (out / "getting_started.html").read_text()
