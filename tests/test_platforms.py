"""Every runtime dependency installs from wheels on each platform and Python we support (docs/platforms.md).

For each platform x Python pair, pip resolves the runtime dependencies of pyproject.toml as it would
there: `pip install --dry-run --only-binary=:all: --platform ... --python-version ...`, which reads
wheel metadata from PyPI and installs nothing. pip evaluates environment markers (`sys_platform ==
"win32"`, `python_version < "3.12"`) for the interpreter it runs in, even with --platform, so it runs
here with the target's marker environment: keyring's Windows and macOS dependencies are then resolved
too. A pair that fails names the package without a wheel. Needs PyPI: skipped without it, except in CI.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PYTHONS = ("3.11", "3.12", "3.13")
# platform -> (pip's --platform tags, the environment markers there)
PLATFORMS = {
    "windows-x64": (["win_amd64"],
                    {"sys_platform": "win32", "platform_system": "Windows", "os_name": "nt",
                     "platform_machine": "AMD64"}),
    # macOS 13 (Ventura): the oldest the PySide6 6.11 wheels (universal2) support
    "macos-arm64": (["macosx_13_0_arm64"],
                    {"sys_platform": "darwin", "platform_system": "Darwin", "os_name": "posix",
                     "platform_machine": "arm64"}),
    "macos-x64": (["macosx_13_0_x86_64"],
                  {"sys_platform": "darwin", "platform_system": "Darwin", "os_name": "posix",
                   "platform_machine": "x86_64"}),
    # glibc 2.35 (Ubuntu 22.04) and later; pip expands a macOS tag to the older releases, not a manylinux one
    "linux-x64": ([f"manylinux_2_{minor}_x86_64" for minor in range(35, 16, -1)] + ["manylinux2014_x86_64"],
                  {"sys_platform": "linux", "platform_system": "Linux", "os_name": "posix",
                   "platform_machine": "x86_64"}),
}
# pip, with the target's marker environment (pip's vendored packaging reads default_environment() at
# each evaluation); argv[1] is that environment as JSON, the rest pip's arguments
PIP_FOR_TARGET = """
import json, sys
from pip._vendor.packaging import markers
target = json.loads(sys.argv[1])
native = markers.default_environment
markers.default_environment = lambda: {**native(), **target}
from pip._internal.cli.main import main
sys.exit(main(sys.argv[2:]))
"""
MISSING = re.compile(r"No matching distribution found for ([A-Za-z0-9._-]+)")


def runtime_requirements() -> list[str]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]


def marker_environment(platform: str, python: str) -> dict[str, str]:
    return {**PLATFORMS[platform][1], "python_version": python, "python_full_version": f"{python}.0",
            "implementation_name": "cpython", "platform_python_implementation": "CPython"}


def resolve(platform: str, python: str) -> subprocess.CompletedProcess[str]:
    tags = [arg for tag in PLATFORMS[platform][0] for arg in ("--platform", tag)]
    # --target: pip before 24 takes --platform only with it (the dry run writes nothing there)
    target = tempfile.mkdtemp(prefix="providerdesk-platform-")
    try:
        return _pip_for(platform, python, tags, target)
    finally:
        shutil.rmtree(target, ignore_errors=True)


def _pip_for(platform: str, python: str, tags: list[str], target: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-c", PIP_FOR_TARGET, json.dumps(marker_environment(platform, python)),
         "install", "--dry-run", "--target", target, "--ignore-installed", "--only-binary=:all:", *tags,
         "--python-version", python, "--implementation", "cp", "--quiet", "--report", "-",
         "--disable-pip-version-check", *runtime_requirements()],
        capture_output=True, text=True, timeout=600, cwd=ROOT)


def without_wheel(output: str) -> str:
    """The package pip found no wheel for, from its error output."""
    found = MISSING.search(output)
    return found.group(1) if found else "(pip gave no package name; its output is above)"


@pytest.fixture(scope="module")
def pypi() -> None:
    try:
        socket.create_connection(("pypi.org", 443), timeout=5).close()
    except OSError:
        if os.environ.get("CI") == "true":  # CI has PyPI: there the test must run
            pytest.fail("PyPI does not answer, and the platform test resolves against it")
        pytest.skip("PyPI does not answer (the platform test resolves against it)")


@pytest.mark.slow
@pytest.mark.parametrize("python", PYTHONS)
@pytest.mark.parametrize("platform", PLATFORMS)
@pytest.mark.usefixtures("pypi")
def test_runtime_dependencies_install_from_wheels(platform: str, python: str) -> None:
    result = resolve(platform, python)
    assert result.returncode == 0, (
        f"{platform}, Python {python}: no wheel for {without_wheel(result.stderr)}\n{result.stderr[-3000:]}")
    installed = {item["metadata"]["name"].lower().replace("_", "-")
                 for item in json.loads(result.stdout)["install"]}
    assert {"pyside6-essentials", "pyside6-addons", "sqlcipher3"} <= installed
    assert "pyside6" not in installed  # the meta-package (and every Qt module we never import)
    if platform == "windows-x64":  # the target's markers were applied: keyring's Windows backend came in
        assert "pywin32-ctypes" in installed
    if platform == "linux-x64":
        assert "secretstorage" in installed


def test_the_pyside6_pin_of_python_3_11_is_resolved_for_3_11_only() -> None:
    """The marker environment is the target's: 6.12 (which crashes CPython 3.11) is kept off 3.11 only."""
    from packaging.requirements import Requirement

    def applies(python: str) -> list[str]:
        env = marker_environment("windows-x64", python)
        return [str(req.specifier) for req in map(Requirement, runtime_requirements())
                if req.name.lower() == "pyside6-essentials" and (req.marker is None or req.marker.evaluate(env))]

    assert applies("3.11") == ["<6.12,>=6.11"]
    assert applies("3.13") == [">=6.11"]


def test_a_missing_wheel_is_named() -> None:
    output = ("ERROR: Could not find a version that satisfies the requirement sqlcipher3-binary>=0.5 "
              "(from versions: none)\nERROR: No matching distribution found for sqlcipher3-binary>=0.5\n")
    assert without_wheel(output) == "sqlcipher3-binary"
