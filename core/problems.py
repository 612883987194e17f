"""Problems found in a monitor's input: collected, then reported together."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, located as precisely as we can.

    A warning (``warning=True``) is something the publisher should know but that
    publishes no wrong figure (a monitor without indicators, an area compared with
    nothing). Warnings are collected in ``Monitor.warnings``, never raised; ``check`` and
    ``build`` print them to stderr as ``file:line: field: warning: message`` and still
    exit 0.
    """

    file: str
    line: int | None
    field: str | None
    message: str
    warning: bool = False

    def __str__(self) -> str:
        where = self.file if self.line is None else f"{self.file}:{self.line}"
        message = f"warning: {self.message}" if self.warning else self.message
        what = f"{self.field}: {message}" if self.field else message
        return f"{where}: {what}"


# Problems of one kind reported per file, then one line for the rest: a big file with
# the same mistake on every row stays readable.
MAX_REPORTED = 20


def and_more(total: int, file: str, field: str | None, what: str = "more") -> list[Problem]:
    """The line standing for the problems beyond the first MAX_REPORTED of ``total``
    (none when there are no more)."""
    if total <= MAX_REPORTED:
        return []
    return [Problem(file, None, field, f"... and {total - MAX_REPORTED} {what}")]


class ProblemsError(Exception):
    """Raised with every problem found, so a user fixes them all in one go."""

    def __init__(self, problems: list[Problem]):
        self.problems = list(problems)
        super().__init__("\n".join(str(p) for p in self.problems))

    def __reduce__(self) -> tuple:  # from a worker process to the build
        return (_unpickled, (type(self), self.problems))


def _unpickled(cls: type[ProblemsError], problems: list[Problem]) -> ProblemsError:
    """A ProblemsError (or subclass, whatever its own arguments) with these problems."""
    exc = cls.__new__(cls)
    ProblemsError.__init__(exc, problems)
    return exc
