"""Start the app ready for its first visitor: ``python -m app_streamlit.serve [Streamlit options]``.

The same as ``streamlit run app_streamlit/app.py [options]``, except that the server's
process first imports what the pages import and computes the built-in network's
results (``app_streamlit.warmup``); the port opens when the first page can be drawn
at once. Results kept on disk by an earlier run (``placement_service.result_cache``)
are read, not computed again, so a restart is quick too.
"""

from __future__ import annotations

import gc
import sys
from pathlib import Path

APP = Path(__file__).resolve().parent / "app.py"


def main(argv: list[str] | None = None) -> None:
    """Warm up, then hand over to Streamlit's own command line in this process (it does not return)."""
    options = list(sys.argv[1:] if argv is None else argv)
    print("  Forbereder appen (indlæser netværket og beregner planen) …", flush=True)
    from app_streamlit.warmup import warm_up

    done = warm_up()
    # What the warm-up loaded (modules, the built-in network and its results) lives as long as the server:
    # set it aside, so that Python's collector no longer walks it (a full collection took 0.15-0.35 s).
    gc.collect()
    gc.freeze()
    seconds = f"{done.total_seconds:.1f}".replace(".", ",")
    print(f"  Klar efter {seconds} sekunder.", flush=True)
    from streamlit.web import cli

    from app_streamlit.state import stop_background_work

    sys.argv = ["streamlit", "run", str(APP), *options]
    try:
        cli.main()
    finally:  # the server has stopped: background verifications end at their next step
        stop_background_work()


if __name__ == "__main__":
    main()
