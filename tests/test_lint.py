"""The repository passes ``ruff check`` (settings in pyproject.toml)."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.skipif(
    importlib.util.find_spec("ruff") is None,
    reason="ruff is not installed (pip install -e '.[test]' brings it)",
)
def test_ruff_check_is_clean():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "ruff",
            "check",
            "--no-cache",
            "--output-format",
            "concise",
            str(ROOT),
        ],
        capture_output=True,
        text=True,
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_setup_cfg_gives_editors_linters_ruffs_line_length():
    import configparser
    import tomllib

    ruff = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["ruff"]
    config = configparser.ConfigParser()
    config.read(ROOT / "setup.cfg")
    for tool in ("flake8", "pycodestyle"):
        assert config.getint(tool, "max-line-length") == ruff["line-length"], tool
