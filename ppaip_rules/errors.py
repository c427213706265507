"""The library's own input error.

Every problem with what a caller sends (a wrong type, a missing field, a date
outside the calendar's years) is raised as :class:`InputError`, naming the
field by its path (``workshops[1].participants``) and the expected form, in
French. The message never repeats the value that was sent: inputs describe
people under justice supervision, and a value may be a name or a birth date.
"""

from __future__ import annotations


class InputError(ValueError):
    """Bad input: names the field and the expected form, never the value."""

    def __init__(self, path: str, expected: str, problem: str | None = None, *,
                 source: dict | None = None):
        self.path = path or "(racine)"
        self.expected = expected
        self.problem = problem
        #: Where in a spreadsheet input: ``{"ligne", "colonne"}`` (and ``"feuille"``).
        self.source = source
        text = f"champ « {self.path} » : {problem + ' ; ' if problem else ''}attendu {expected}"
        super().__init__(text)

    def __reduce__(self):
        # Rebuilt from its fields (the default would call __init__ with the message
        # alone and fail): an error raised in a worker process reaches the caller intact.
        return (_rebuild, (type(self), self.path, self.expected, self.problem, self.source))

    def at(self, prefix: str) -> InputError:
        """The same error, its path placed under ``prefix``."""
        if not prefix:
            return self
        sep = "" if self.path.startswith("[") else "."
        path = prefix if self.path == "(racine)" else f"{prefix}{sep}{self.path}"
        return InputError(path, self.expected, self.problem)

    def to_dict(self) -> dict:
        out = {"error": "entrée invalide", "path": self.path, "expected": self.expected,
               "problem": self.problem, "message": str(self)}
        if self.source is not None:
            out["source"] = dict(self.source)
        return out


class InputErrors(InputError):
    """Several input errors of one file, reported at once (at most ``cap`` are gathered).

    It is an :class:`InputError` (the first error's path, expected form and problem), so
    callers that catch one still work; ``errors`` holds them all. Its text has one error
    per line; :meth:`to_dict` adds ``errors``, their list.
    """

    def __init__(self, errors, truncated: bool = False):
        self.errors: tuple[InputError, ...] = tuple(errors)
        if not self.errors:
            raise ValueError("InputErrors needs at least one error")
        self.truncated = truncated
        first = self.errors[0]
        self.path, self.expected, self.problem = first.path, first.expected, first.problem
        self.source = first.source
        count = len(self.errors)
        head = (f"{count} erreurs dans le fichier" if count > 1 else "1 erreur dans le fichier")
        if truncated:
            head += f" (arrêt après {count} erreurs : corriger puis relancer)"
        ValueError.__init__(self, "\n".join([head + " :", *(f"  {e}" for e in self.errors)]))

    def __reduce__(self):
        return (InputErrors, (self.errors, self.truncated))

    def at(self, prefix: str) -> InputErrors:
        return InputErrors([e.at(prefix) for e in self.errors], self.truncated)

    def to_dict(self) -> dict:
        out = super().to_dict()
        out["errors"] = [e.to_dict() for e in self.errors]
        out["truncated"] = self.truncated
        return out


class CalendarRangeError(InputError):
    """A date outside the years for which the holiday data is trusted."""


def _rebuild(kind: type, path: str, expected: str, problem: str | None,
             source: dict | None) -> InputError:
    """An unpickled :class:`InputError` (or subclass with the same constructor)."""
    return kind(path, expected, problem, source=source)
