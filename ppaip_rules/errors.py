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

    def __init__(self, path: str, expected: str, problem: str | None = None):
        self.path = path or "(racine)"
        self.expected = expected
        self.problem = problem
        text = f"champ « {self.path} » : {problem + ' ; ' if problem else ''}attendu {expected}"
        super().__init__(text)

    def __reduce__(self):
        # Rebuilt from its three fields (the default would call __init__ with the message
        # alone and fail): an error raised in a worker process reaches the caller intact.
        return (type(self), (self.path, self.expected, self.problem))

    def at(self, prefix: str) -> InputError:
        """The same error, its path placed under ``prefix``."""
        if not prefix:
            return self
        sep = "" if self.path.startswith("[") else "."
        path = prefix if self.path == "(racine)" else f"{prefix}{sep}{self.path}"
        return InputError(path, self.expected, self.problem)

    def to_dict(self) -> dict:
        return {"error": "entrée invalide", "path": self.path, "expected": self.expected,
                "problem": self.problem, "message": str(self)}


class CalendarRangeError(InputError):
    """A date outside the years for which the holiday data is trusted."""
