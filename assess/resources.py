"""Where the bundled schemes and templates are, installed or in a checkout.

setup.cfg maps the top-level ``indicators/`` and ``templates/`` folders into
the wheel as ``assess/bundled/...``; in a source checkout they sit beside the
package.  Both layouts are looked up so tests can run either way.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def bundled_dir(name: str) -> Path:
    """``indicators`` or ``templates``: the installed copy first, then the checkout's."""
    installed = _PACKAGE / "bundled" / name
    if installed.is_dir():
        return installed
    return _PACKAGE.parent / name
