"""Who may do what: access codes, server-side sessions, CSRF tokens.

- Bound to a loopback address the page serves the person at the machine:
  no sign-in, every browser gets an office session (still with a CSRF token:
  another web site open in the same browser must not post to the page).
- Bound to a network address every request needs a session, had by signing
  in with the office's access code or a unit's code.  A unit's session may
  only upload its own submissions and see its own receipts.

Sessions live in memory, keyed by a random token sent in an ``HttpOnly``,
``SameSite=Strict`` cookie; codes are compared in constant time, and unit
codes are stored only as salted hashes (``访问码.json``).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

COOKIE = "assess_session"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
OFFICE = "office"
UNIT = "unit"
SESSION_HOURS = 12
# Letters and digits that cannot be mistaken for one another when read aloud or typed
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
MAX_FAILURES = 5  # wrong codes from one address …
FAILURE_WINDOW = 300.0  # … within this many seconds, then sign-in waits


def new_code(length: int = 12) -> str:
    """A code such as ``K7QD-9RMX-2HPA``: 60 bits, easy to read out."""
    raw = "".join(secrets.choice(ALPHABET) for _ in range(length))
    return "-".join(raw[i : i + 4] for i in range(0, length, 4))


def normal(text: str) -> str:
    """A typed code compared without case, spaces or dashes."""
    return "".join(ch for ch in text.upper() if ch.isalnum())


def hash_code(text: str, salt: str) -> str:
    """One salted SHA-256: the codes are random (60 bits), so a slow hash buys nothing.

    A typed code is compared with every unit's hash; a slow hash (100,000
    rounds) would make one sign-in take minutes for a province's 3,000 units.
    """
    return hashlib.sha256(bytes.fromhex(salt) + normal(text).encode()).hexdigest()


@dataclass
class Session:
    token: str
    role: str  # OFFICE or UNIT
    unit: str | None = None
    csrf: str = field(default_factory=lambda: secrets.token_urlsafe(32))
    created: float = field(default_factory=time.time)

    @property
    def who(self) -> str:
        return "办公室" if self.role == OFFICE else f"单位:{self.unit}"

    @property
    def is_office(self) -> bool:
        return self.role == OFFICE


class Codes:
    """The office's code and the units' code hashes."""

    def __init__(self, office: str | None, hashes_file: Path | None = None) -> None:
        self.office = office
        self.hashes_file = hashes_file
        self._units: dict[str, dict[str, str]] = {}
        self.reload()

    def reload(self) -> None:
        from assess.serve.store import read_json

        data = read_json(self.hashes_file, {}) if self.hashes_file else {}
        units = data.get("units", {}) if isinstance(data, dict) else {}
        self._units = {u: h for u, h in units.items() if isinstance(h, dict)}

    def match(self, typed: str) -> tuple[str, str | None] | None:
        """(OFFICE, None), (UNIT, name) or None for a typed code."""
        text = normal(typed)
        if not text:
            return None
        if self.office and hmac.compare_digest(text.encode(), normal(self.office).encode()):
            return OFFICE, None
        for unit, entry in self._units.items():
            if hmac.compare_digest(hash_code(text, entry["salt"]), entry["hash"]):
                return UNIT, unit
        return None

    @property
    def has_units(self) -> bool:
        return bool(self._units)


def unit_code_entries(codes: dict[str, str]) -> dict[str, Any]:
    """What ``访问码.json`` holds for the units' codes: a salt and a hash each, never the code."""
    out: dict[str, dict[str, str]] = {}
    for unit, text in codes.items():
        salt = secrets.token_hex(16)
        out[unit] = {"salt": salt, "hash": hash_code(text, salt)}
    return {"format": "assess.serve-codes/1", "units": out}


class Sessions:
    """Sessions by token, with a cap on wrong codes per address."""

    def __init__(self) -> None:
        self._by_token: dict[str, Session] = {}
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def new(self, role: str, unit: str | None = None) -> Session:
        session = Session(secrets.token_urlsafe(32), role, unit)
        with self._lock:
            self._by_token[session.token] = session
        return session

    def get(self, token: str | None) -> Session | None:
        if not token:
            return None
        with self._lock:
            session = self._by_token.get(token)
            if session is not None and time.time() - session.created > SESSION_HOURS * 3600:
                del self._by_token[token]
                return None
            return session

    def end(self, token: str | None) -> None:
        with self._lock:
            self._by_token.pop(token or "", None)

    def end_unit(self, unit: str) -> None:
        with self._lock:
            for token in [t for t, s in self._by_token.items() if s.unit == unit]:
                del self._by_token[token]

    def throttled(self, address: str) -> bool:
        now = time.time()
        with self._lock:
            recent = [t for t in self._failures.get(address, []) if now - t < FAILURE_WINDOW]
            self._failures[address] = recent
            return len(recent) >= MAX_FAILURES

    def failed(self, address: str) -> None:
        with self._lock:
            self._failures.setdefault(address, []).append(time.time())


def csrf_ok(session: Session, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(session.csrf.encode(), str(given).encode())
