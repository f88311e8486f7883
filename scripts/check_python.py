"""Stop the set-up early, with a plain message, on a Python the console does not support."""

import sys

if not (3, 11) <= sys.version_info[:2] <= (3, 13):
    found = ".".join(map(str, sys.version_info[:3]))
    sys.exit(f"Python 3.11 to 3.13 is needed (found {found}); run make with PYTHON=python3.12")
