"""HiGHS (``highspy``) instances that write nothing to the process's standard output."""

from __future__ import annotations

import os
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import highspy


def quiet_highs() -> highspy.Highs:
    """A HiGHS instance that writes nothing: its constructor prints a banner on the process's standard
    output (file descriptor 1, under the CLI's Danish text) before any option can turn it off."""
    import highspy

    sys.stdout.flush()
    saved = os.dup(1)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 1)
        highs = highspy.Highs()
    finally:
        os.dup2(saved, 1)
        os.close(saved)
        os.close(devnull)
    highs.setOptionValue("output_flag", False)
    return highs
