"""``python -m hvpat …`` runs the binary with the same arguments."""

import os
import subprocess
import sys

from hvpat._find import find_hvpat_bin


def main() -> int:
    binary = find_hvpat_bin()
    if os.name == "nt":
        return subprocess.run([binary, *sys.argv[1:]]).returncode
    os.execvp(binary, [binary, *sys.argv[1:]])
    return 0  # not reached


if __name__ == "__main__":
    sys.exit(main())
