"""Ends this process, and every process it started, when gmp ends, however gmp ends.

gmp starts dbt in its own session (a Ctrl-C at the terminal reaches gmp alone, which stops dbt
in order) and hands it fd 3, one end of a pipe gmp never writes to. The kernel closes gmp's end
when gmp exits, SIGKILL included, and a read of fd 3 then returns end-of-file: the watcher kills
the session's process group, so no dbt is left holding the warehouse's lock. A gmp that died
before the watcher started leaves the pipe already at end-of-file, so there is no race. Without
GMP_LIFELINE_FD (dbt run by hand) nothing is watched.
"""

import os
import signal
import threading


def hold() -> None:
    fd = os.environ.get("GMP_LIFELINE_FD")
    if fd is None:
        return
    threading.Thread(target=_watch, args=(int(fd),), name="gmp-lifeline", daemon=True).start()


def _watch(fd: int) -> None:
    try:
        while os.read(fd, 512):
            pass
    except OSError:
        return  # no such pipe here: nothing to watch
    if os.getpgrp() == os.getpid():
        os.killpg(os.getpgrp(), signal.SIGKILL)
    os.kill(os.getpid(), signal.SIGKILL)
