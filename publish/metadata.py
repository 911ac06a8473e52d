"""Datasette metadata (titles, licence, table and column descriptions) from the descriptor."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from publish.package import Package, Table


def _licence(package: Package) -> dict[str, str]:
    """Datasette licence keys for the package's first declared licence."""
    licenses = package.descriptor.get("licenses") or []
    if not licenses:
        return {}
    first = licenses[0]
    keys = {"license": first.get("name") or first.get("title", "")}
    if first.get("path"):
        keys["license_url"] = first["path"]
    return keys


def _table_metadata(table: Table) -> dict[str, Any]:
    """Datasette metadata for one table: title, description and column descriptions."""
    return {
        "title": table.title,
        "description": table.description,
        "columns": {field.name: field.description for field in table.fields if field.description},
    }


def datasette_metadata(package: Package, database: Path) -> dict[str, Any]:
    """Build the metadata document for ``datasette <database> -m metadata.json``."""
    from publish.flat_sqlite import figures_metadata

    tables = {table.name: _table_metadata(table) for table in package.tables} | figures_metadata(package)
    # Datasette names a database after its file stem.
    return {
        "title": package.title,
        "description": package.description,
        **_licence(package),
        "databases": {
            database.stem: {
                "title": package.title,
                "description": package.description,
                **_licence(package),
                "tables": tables,
            }
        },
    }


def write_metadata(package: Package, database: Path, out_dir: Path) -> Path:
    """Write metadata.json next to the database and return its path."""
    from validate.writer import Writer

    text = json.dumps(datasette_metadata(package, database), indent=2, ensure_ascii=False)
    return Writer(out_dir, create=True).replace("metadata.json", (text + "\n").encode("utf-8"))
