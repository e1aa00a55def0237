"""The wheel carries the bundled content: `pip install .` then `trainer` works from anywhere."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_installed_wheel_validates_its_bundled_content(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "--no-build-isolation",
            "-w",
            str(wheels),
            str(ROOT),
        ],
        check=True,
    )
    wheel = next(wheels.glob("trainer-*.whl"))
    venv = tmp_path / "venv"
    # system site packages give the wheel its dependencies without downloading them
    subprocess.run([sys.executable, "-m", "venv", "--system-site-packages", str(venv)], check=True)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", "--no-deps", str(wheel)], check=True
    )

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run(
        [str(python), "-c", "import trainer.locations as l; print(l.bundled_content_root())"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    assert where.startswith(str(venv)) and where.endswith("trainer/bundled")

    result = subprocess.run(
        [str(venv / "bin" / "trainer"), "--lang", "en", "validate"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        env={"TRAINER_CONFIG": str(tmp_path / "none.toml"), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "All content is valid" in result.stdout
    assert "Tracks: 3" in result.stdout

    # the calibration corpus ships too, with its own scenarios, and meets its goals
    result = subprocess.run(
        [str(venv / "bin" / "trainer"), "--lang", "en", "roleplay", "calibrate"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        env={"TRAINER_CONFIG": str(tmp_path / "none.toml"), "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "judged transcripts scored" in result.stdout
    assert "The scorer meets the calibration goals." in result.stdout
