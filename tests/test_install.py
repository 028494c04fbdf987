"""The wheel carries the bundled schemes and templates, and works outside the source tree."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from tests.sample_round import copy_sources

ROOT = Path(__file__).resolve().parents[1]
# assess serve from the installed package: a page, its style and its script
SERVE_PROBE = """
import warnings
from pathlib import Path

warnings.simplefilter("ignore")
import assess
from assess.serve.app import create_app
from assess.serve.web import Config
from starlette.testclient import TestClient

Path("站点").mkdir(exist_ok=True)
with TestClient(create_app(Config(folder=Path("站点"))), base_url="http://127.0.0.1") as client:
    codes = [client.get(url).status_code for url in ("/scheme", "/static/serve.css", "/static/serve.js")]
print(Path(assess.__file__).parent, *codes)
"""


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    src = out / "src"
    shutil.copytree(
        ROOT, src, ignore=shutil.ignore_patterns(".git", ".venv", "build", "*.egg-info", "__pycache__", "out")
    )
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(src),
        ],
        check=True,
        capture_output=True,
    )
    return next(out.glob("assess-*.whl"))


def test_wheel_contains_schemes_and_templates(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "assess/bundled/indicators/county-2024.yaml" in names
    assert "assess/bundled/templates/base.html.j2" in names
    assert "assess/bundled/templates/ranking.html.j2" in names
    assert "assess/cli.py" in names
    assert "assess/sources/merge.py" in names
    # assess serve: its pages, style and script come with the wheel (no CDN, nothing downloaded)
    assert "assess/serve/app.py" in names
    for name in ("base.html.j2", "collect.html.j2", "static/serve.js", "static/serve.css"):
        assert f"assess/bundled/templates/serve/{name}" in names, name


def test_installed_wheel_runs_outside_the_source_tree(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
        check=True,
        capture_output=True,
    )
    work = tmp_path / "work"
    work.mkdir()
    shutil.copy(ROOT / "examples" / "counties" / "浏阳市.xlsx", work / "浏阳市.xlsx")
    copy_sources(work)  # county-2024's other sources (财政/, 督查/ …) beside the workbook
    env = {**os.environ, "PYTHONPATH": str(target)}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "assess", *args], cwd=work, env=env, capture_output=True, text=True
        )

    probe = subprocess.run(
        [sys.executable, "-c", "import assess; print(assess.__file__)"],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
    )
    assert probe.stdout.strip().startswith(str(target))
    assert "county-2024" in run("schemes").stdout
    checked = run("check", str(target / "assess" / "bundled" / "indicators" / "county-2024.yaml"))
    assert checked.returncode == 0, checked.stderr
    scored = run("score", "-s", "county-2024", "浏阳市.xlsx", "--format", "html", "-o", "得分表.html")
    assert scored.returncode == 0, scored.stderr
    assert "浏阳市" in (work / "得分表.html").read_text(encoding="utf-8")
    served = run("serve", "--help")
    assert served.returncode == 0, served.stderr
    assert "--folder" in served.stdout and "--unit-codes" in served.stdout
    # the installed application serves its bundled pages and static files outside the source tree
    page = subprocess.run(
        [sys.executable, "-c", SERVE_PROBE], cwd=work, env=env, capture_output=True, text=True
    )
    assert page.returncode == 0, page.stderr
    assert page.stdout.split() == [str(target / "assess"), "200", "200", "200"]


def test_console_script_of_the_installed_package() -> None:
    script = Path(sys.executable).with_name("assess.exe" if os.name == "nt" else "assess")
    if not script.exists():
        pytest.skip("assess 未安装到当前环境(请按 README 用 pip install . 安装后运行)")
    out = subprocess.run([str(script), "--version"], capture_output=True, text=True, cwd=Path.home())
    assert out.returncode == 0
    assert out.stdout.startswith("assess ")
