"""The wheel carries the bundled content: `pip install .` then `trainer` works from anywhere.

The wheel goes into a fresh virtual environment that sees the dependencies already installed
for the tests (nothing is downloaded). The test must pass however it is run: from the system
interpreter, or from a virtual environment as the README's `pip install -e '.[test]'` leaves
a newcomer, with or without PYTHONPATH pointing at a checkout.
"""

from __future__ import annotations

import os
import site
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _installed_package_folders() -> list[str]:
    """The site-packages folders this interpreter installs into and reads from.

    Not `sys.path`: that also holds PYTHONPATH and the checkout, whose `trainer` would hide
    the wheel's. `--system-site-packages` is no substitute: from a virtual environment it
    shows the base interpreter's folders, not the environment's, where the dependencies are.
    """
    folders = list(site.getsitepackages())
    if site.ENABLE_USER_SITE:
        folders.append(site.getusersitepackages())
    return [folder for folder in folders if Path(folder).is_dir()]


def _make_venv_seeing_installed_packages(venv: Path) -> Path:
    """A virtual environment whose own site-packages comes first, then this interpreter's.

    The `.pth` file lists plain folders, so the `.pth` files inside them (an editable
    `trainer`, for one) are not run: the only `trainer` the environment can import is the
    one installed into it. Returns the environment's python.
    """
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    python = venv / "bin" / "python"
    own_site = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        capture_output=True,
        text=True,
        check=True,
        env=_child_environment(),
    ).stdout.strip()
    (Path(own_site) / "_parent_site_packages.pth").write_text(
        "".join(folder + "\n" for folder in _installed_package_folders())
    )
    return python


def _child_environment() -> dict[str, str]:
    """This process's environment without what would make a child import another `trainer`."""
    return {
        name: value
        for name, value in os.environ.items()
        if name not in {"PYTHONPATH", "PYTHONHOME", "PYTHONSTARTUP", "PYTHONUSERBASE"}
    }


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
    python = _make_venv_seeing_installed_packages(venv)
    # pip itself comes from this interpreter's site-packages, through the .pth file
    subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--no-deps",
            "--ignore-installed",
            str(wheel),
        ],
        check=True,
        env=_child_environment(),
    )

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = subprocess.run(
        [str(python), "-c", "import trainer.locations as l; print(l.bundled_content_root())"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        check=True,
        env=_child_environment(),
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
