"""Run hvpat from Python and read its outputs.

The ``hvpat`` command is the wheel's binary; this package finds it and wraps it::

    import hvpat
    out = hvpat.run("portfolio.csv", families="families.csv", as_of="2024-12-31", out="report")
    frames = hvpat.read(out)          # {"institutions": DataFrame, "patents": DataFrame, ...}

``read`` gives polars frames, or pandas frames (Arrow-backed) where only pandas is
installed: ``pip install hvpat[polars]`` or ``hvpat[pandas]``. The command line
itself needs neither.
"""

import json
import os
import subprocess
import warnings
from pathlib import Path

from hvpat._find import BinaryNotFound, find_hvpat_bin
from hvpat._frames import read

__all__ = ["run", "read", "RunError", "AttentionWarning", "BinaryNotFound", "find_hvpat_bin"]


class RunError(RuntimeError):
    """hvpat failed: ``code`` is its exit code (2 usage, 3 input, 1 other), ``message``
    its last line, ``stderr`` everything it printed there."""

    def __init__(self, code: int, message: str, stderr: str):
        super().__init__(f"hvpat exited with {code}: {message}")
        self.code = code
        self.message = message
        self.stderr = stderr


class AttentionWarning(UserWarning):
    """hvpat wrote its outputs but a person must look (exit 4: too many rejected
    rows, or no holder names); the message is hvpat's last line."""


def _text(value) -> str:
    return os.fspath(value) if isinstance(value, os.PathLike) else str(value)


def command_line(*inputs, **options) -> list:
    """The arguments of ``hvpat run`` for :func:`run`'s arguments (without the binary)."""
    args = ["run", *(_text(i) for i in inputs)]
    for key, value in options.items():
        flag = "--" + key.replace("_", "-")
        if value is None or value is False:
            continue
        if value is True:
            args.append(flag)
        elif isinstance(value, (list, tuple, set, frozenset)):
            args += [flag, ",".join(sorted(_text(v) for v in value)) if isinstance(value, (set, frozenset))
                     else ",".join(_text(v) for v in value)]
        else:
            args += [flag, _text(value)]
    return args


def _last_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""


def run(*inputs, **options) -> Path:
    """Run ``hvpat run`` and return its output folder.

    Positional arguments are portfolio files; keyword arguments become flags:
    ``as_of="2024-12-31"`` → ``--as-of 2024-12-31``, a list → comma-joined
    (``outputs=["institutions.csv", "patents.csv"]``), ``True`` → the bare flag
    (``if_changed=True``), ``False``/``None`` → left out. Exit 4 (outputs written,
    but look) returns with an :class:`AttentionWarning`; any other failure raises
    :class:`RunError` with hvpat's last line.
    """
    args = [find_hvpat_bin(), *command_line(*inputs, **options), "--json"]
    done = subprocess.run(args, capture_output=True, text=True, encoding="utf-8", errors="replace")
    summary = None
    for line in reversed(done.stdout.splitlines()):
        if line.startswith("{"):
            summary = json.loads(line)
            break
    if done.returncode not in (0, 4) or summary is None:
        raise RunError(done.returncode, _last_line(done.stderr) or _last_line(done.stdout), done.stderr)
    if done.returncode == 4:
        warnings.warn(_last_line(done.stderr) or str(summary.get("attention")), AttentionWarning, stacklevel=2)
    return Path(summary["out"])
