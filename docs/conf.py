"""Sphinx configuration of skdeepad's documentation.

Build with ``sphinx-build -W -b html docs docs/_build/html``. The build works
offline (no intersphinx) and never runs the gallery's scripts
(``plot_gallery = False``): ``tests/test_examples.py`` runs them instead.

The API reference (``docs/api/index.rst``) is written here, at every build,
from ``skdeepad.__all__`` and the ``__all__`` of each public submodule, so a new
public name gets its page without editing any file of ``docs/``.
"""

import importlib
import inspect
import os
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parent
sys.path.insert(0, str(DOCS.parent))  # the checkout's skdeepad, not an installed one
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import skdeepad  # noqa: E402

project = "skdeepad"
author = "The skdeepad developers"
copyright = "the skdeepad developers"
version = release = skdeepad.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.mathjax",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

templates_path = ["_templates"]
exclude_patterns = ["_build", "**.ipynb_checkpoints"]
root_doc = "index"

# -- API reference ----------------------------------------------------------
autosummary_generate = True
autodoc_typehints = "none"
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False
numpydoc_validation_checks = set()  # tests/test_docstrings.py checks docstrings

# Detector groups of the reference, by ``skdeepad.all_detectors(kind)``.
DETECTOR_KINDS = {
    "tabular": "Detectors of tabular data",
    "semi-supervised": "Detectors that learn from a few labels",
    "sequence": "Detectors of sequences and images",
    "series": "Detectors of whole time series",
    "meta": "Meta-detectors",
}
# Public submodules, each with its own section; a module that cannot be
# imported yet (or lacks extras) is left out with a note in the build log.
SUBMODULES = {
    "skdeepad.datasets": "Data sets",
    "skdeepad.timeseries": "Time series",
    "skdeepad.metrics": "Metrics",
    "skdeepad.plotting": "Plotting",
    "skdeepad.persistence": "Saving and loading",
    "skdeepad.dask": "Dask",
    "skdeepad.benchmark": "Benchmark",
    "skdeepad.base": "Base classes, for writing a detector",
}


def _autosummary(module, names, template):
    lines = [
        f".. currentmodule:: {module}",
        "",
        ".. autosummary::",
        "   :toctree: generated/",
        f"   :template: {template}",
        "",
    ]
    return lines + [f"   {name}" for name in names] + [""]


def _section(title, char="="):
    return [title, char * len(title), ""]


def _split(module, names):
    classes = [n for n in names if inspect.isclass(getattr(module, n))]
    functions = [n for n in names if n not in classes]
    return classes, functions


def _write_api_reference():
    lines = [
        ".. Written by docs/conf.py at every build: edit the generator, not this file.",
        "",
        ".. _api:",
        "",
        *_section("API reference"),
        "Every public name of ``skdeepad`` and of its public submodules.",
        "",
    ]
    public = [n for n in skdeepad.__all__ if not n.startswith("_")]
    documented = {}
    seen = set()
    for kind, title in DETECTOR_KINDS.items():
        names = [n for n, _ in skdeepad.all_detectors(kind) if n in public]
        if names:
            lines += _section(title, "-") + _autosummary("skdeepad", names, "class.rst")
            seen.update(names)
    classes, functions = _split(skdeepad, [n for n in public if n not in seen])
    if classes:
        lines += _section("Base classes and other classes", "-")
        lines += _autosummary("skdeepad", classes, "class.rst")
    if functions:
        lines += _section("Functions", "-")
        lines += _autosummary("skdeepad", functions, "function.rst")
    for name in public:
        documented[id(getattr(skdeepad, name))] = f"skdeepad.{name}"

    for modname, title in SUBMODULES.items():
        try:
            module = importlib.import_module(modname)
        except ImportError as exc:
            print(f"docs/conf.py: {modname} left out of the API reference: {exc}")
            continue
        names = [
            n
            for n in getattr(module, "__all__", [])
            if id(getattr(module, n)) not in documented
        ]
        lines += _section(f"{title}: ``{modname}``", "-")
        lines += [f".. automodule:: {modname}", ""]
        already = [n for n in getattr(module, "__all__", []) if n not in names]
        if already:
            refs = ", ".join(
                f":obj:`~{documented[id(getattr(module, n))]}`" for n in already
            )
            lines += [f"Also here: {refs}.", ""]
        classes, functions = _split(module, names)
        if classes:
            lines += _autosummary(modname, classes, "class.rst")
        if functions:
            lines += _autosummary(modname, functions, "function.rst")
        for n in names:
            documented[id(getattr(module, n))] = f"{modname}.{n}"

    text = "\n".join(lines)
    path = DOCS / "api" / "index.rst"
    path.parent.mkdir(exist_ok=True)
    if not path.exists() or path.read_text() != text:  # keep incremental builds
        path.write_text(text)


_write_api_reference()

# -- Gallery ----------------------------------------------------------------
sphinx_gallery_conf = {
    "examples_dirs": "../examples",
    "gallery_dirs": "auto_examples",
    "plot_gallery": "False",  # never train networks while building the docs
    "filename_pattern": r"$^",
    "download_all_examples": False,
    "within_subsection_order": "FileNameSortKey",
    "remove_config_comments": True,
    "show_signature": False,
}

# -- HTML -------------------------------------------------------------------
html_theme = "pydata_sphinx_theme"
html_title = f"skdeepad {version}"
html_static_path = []
html_theme_options = {
    "navigation_with_keys": False,
    "show_toc_level": 2,
    "header_links_before_dropdown": 6,
}
html_show_sourcelink = False
