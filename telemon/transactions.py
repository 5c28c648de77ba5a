"""One owner per transaction: the service function of a use case.

A use case (acknowledge an alert, decide a dose, record an assessment, read the work list) is
one service function that loads, checks access, acts, audits and returns. Decorated with
`@use_case`, it runs in one transaction: committed when it returns, and only then is the work it
enqueued handed to a worker (telemon.background.work); rolled back when it raises, so nothing is
half-written. The JSON API, the web pages, the FHIR handlers, the CLI and the Celery tasks parse
their input, call the use case and render what it returns; none of them commits.

A use case called from another joins the caller's transaction: only the outermost commits, so
a use case can be built from smaller ones and still be all or nothing. A job that works through
many independent items (a periodic check of every plan, say) commits item by item with
`with transaction():`, so that one item's failure loses no other's work; that is the one other
place a transaction ends.

Three writes keep transactions of their own on purpose and say so where they are made: audit
refusals and failed writes (telemon.audit: the refused request will not commit), the web session
store (telemon.http.sessions), and the evaluation run's claim on its batches
(telemon.alerts.evaluation: the claim must hold while the run works).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import ParamSpec, TypeVar

from telemon.background import work
from telemon.extensions import db

P = ParamSpec("P")
R = TypeVar("R")

_DEPTH = "telemon.use_case_depth"


@contextmanager
def transaction() -> Iterator[None]:
    """A unit of work: committed (then its work handed over) at the end of the block, rolled
    back if the block raises. Inside a use case or another such block it joins the outer one."""
    depth = db.session.info.get(_DEPTH, 0)
    db.session.info[_DEPTH] = depth + 1
    try:
        yield
    except BaseException:
        if depth == 0:
            db.session.rollback()
        raise
    finally:
        db.session.info[_DEPTH] = depth
    if depth == 0:
        try:
            work.commit()
        except BaseException:
            # A commit that failed (the database went away) leaves the session unusable until
            # it is rolled back: a job that tries again (the outbox recording a mail's outcome)
            # must find it usable.
            db.session.rollback()
            raise


def use_case(function: Callable[P, R]) -> Callable[P, R]:
    """The decorated service function owns its transaction (see the module's docstring)."""

    @functools.wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        with transaction():
            return function(*args, **kwargs)

    return run


def in_use_case() -> bool:
    """Whether a use case (or a transaction block) is running: the outermost one commits."""
    return bool(db.session.info.get(_DEPTH, 0))
