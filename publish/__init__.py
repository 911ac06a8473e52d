"""Release outputs of the data package: SQLite database, release zip and chart."""

from __future__ import annotations
