"""Where the wheel put the ``hvpat`` binary (as uv's ``find_uv_bin`` does)."""

import os
import shutil
import sys
import sysconfig
from pathlib import Path


class BinaryNotFound(FileNotFoundError):
    """The ``hvpat`` binary is in none of the places a wheel installs it."""


def _exe_name(windows: bool) -> str:
    return "hvpat.exe" if windows else "hvpat"


def candidates(package_dir: Path, windows: bool, scripts_dirs=()):
    """The places to look, in order, for a package installed at ``package_dir``.

    ``scripts_dirs`` are the interpreter's own scripts folders (its scheme's and the
    user scheme's). Then the folders a wheel's layout puts beside ``package_dir``:
    ``<prefix>/Lib/site-packages/hvpat`` → ``<prefix>/Scripts`` on Windows,
    ``<prefix>/lib/pythonX.Y/site-packages/hvpat`` → ``<prefix>/bin`` elsewhere, and
    ``pip install --target T`` → ``T/bin`` (``T/Scripts``).
    """
    exe = _exe_name(windows)
    scripts = "Scripts" if windows else "bin"
    site = package_dir.parent
    found = [Path(d) / exe for d in scripts_dirs if d]
    # <prefix>/Lib/site-packages or <prefix>/lib/pythonX.Y/site-packages
    prefix = site.parent.parent if windows else site.parent.parent.parent
    found.append(prefix / scripts / exe)
    found.append(site / scripts / exe)
    unique = []
    for path in found:
        if path not in unique:
            unique.append(path)
    return unique


def _scripts_dirs():
    dirs = [sysconfig.get_path("scripts")]
    user_scheme = {"nt": "nt_user", "posix": "posix_user"}.get(os.name)
    if sys.platform == "darwin":
        user_scheme = "osx_framework_user"
    if user_scheme and user_scheme in sysconfig.get_scheme_names():
        dirs.append(sysconfig.get_path("scripts", scheme=user_scheme))
    return dirs


def find_hvpat_bin() -> str:
    """The path of the ``hvpat`` binary: ``$HVPAT_BIN`` when set, else where the
    wheel installed it, else ``hvpat`` on PATH."""
    given = os.environ.get("HVPAT_BIN")
    if given:
        return given
    windows = os.name == "nt"
    for path in candidates(Path(__file__).resolve().parent, windows, _scripts_dirs()):
        if path.is_file():
            return str(path)
    on_path = shutil.which(_exe_name(windows))
    if on_path:
        return on_path
    raise BinaryNotFound(
        "the hvpat binary is not where its wheel installs it; reinstall the wheel "
        "(pip install --force-reinstall hvpat-…whl) or set HVPAT_BIN"
    )
