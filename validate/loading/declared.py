"""The x-claims declarations judged against the tables as loaded (validate.declarations.against_tables)."""

from __future__ import annotations

from validate.declarations import Loaded, against_tables
from validate.model import Package
from validate.typed import missing_values


def judge_declarations(pkg: Package) -> None:
    """Check every declared resource and field against what loaded; set aside what cannot be read."""
    pkg.declarations = against_tables(pkg.declarations, _loaded(pkg))


def _loaded(pkg: Package) -> Loaded:
    """What the declared resources turned out to be, for judging the declarations against them."""
    names = [r.get("name") for r in pkg.resources]
    usable = isinstance(pkg.descriptor, dict) and isinstance(pkg.descriptor.get("resources"), list)
    types = {
        name: {f["name"]: str(f.get("type", "string")) for f in table.schema["fields"]}
        for name, table in pkg.tables.items()
    }

    def empty(resource: str, field_: str) -> bool:
        table = pkg.tables[resource]
        if field_ not in table.frame.columns or table.frame.empty:
            return False  # a column the header lacks is missing-column; no rows is no claim
        column = table.frame[field_]
        return bool((column.isna() | column.isin(missing_values(table.schema) or [""])).all())

    return Loaded(
        {n for n in names if isinstance(n, str)} if usable and all(isinstance(n, str) for n in names) else None,
        types,
        empty,
        set(pkg.unloaded),
    )
