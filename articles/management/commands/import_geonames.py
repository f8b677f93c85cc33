"""Import places from GeoNames dump files (allCountries.txt, a country's IQ.txt, or its .zip)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.core.management.base import CommandError

from articles.gazetteer import LoadResult, import_geonames_places
from articles.geonames import (
    AlternateName,
    BBox,
    GeoName,
    LineError,
    read_alternate_names,
    read_geonames,
)
from articles.management import NewsmapCommand

CHUNK = 2000


@contextmanager
def _lines(path: Path) -> Iterator[Iterator[str]]:
    """The text lines of a dump, read from the .txt inside a GeoNames .zip when given one."""
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as archive:
            members = [n for n in archive.namelist() if n.endswith(".txt") and "readme" not in n]
            if not members:
                raise CommandError(f"{path}: the archive holds no .txt dump")
            with archive.open(members[0]) as raw:
                yield io.TextIOWrapper(raw, encoding="utf-8")
    else:
        with open(path, encoding="utf-8") as handle:
            yield handle


class Command(NewsmapCommand):
    help = (
        "Create or update places from a GeoNames dump (19 tab-separated columns). Without "
        "--feature-codes, populated places (feature class P) are imported. Places editors made "
        "or confirmed are untouched; shipped-gazetteer places only gain spellings. Unreadable "
        "lines are reported as FILE:LINE: reason and skipped; the exit status is then 1."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument("--alternate-names", type=Path, help="alternateNamesV2.txt (or .zip)")
        parser.add_argument("--feature-codes", help="comma-separated, e.g. PPL,PPLA,PPLC,PPLX")
        parser.add_argument("--bbox", help="south,west,north,east in degrees")

    def handle(self, *args, file: Path, alternate_names: Path | None, **options) -> None:
        file = Path(file)
        alternate_names = Path(alternate_names) if alternate_names else None
        codes = frozenset(
            c.strip().upper() for c in (options["feature_codes"] or "").split(",") if c.strip()
        )
        try:
            bbox = BBox.parse(options["bbox"]) if options["bbox"] else None
        except ValueError as exc:
            raise CommandError(f"--bbox: {exc}") from None
        for path in (file, alternate_names):
            if path is not None and not path.is_file():
                raise CommandError(f"{path}: no such file")
        bad = 0
        features: list[GeoName] = []
        with _lines(file) as lines:
            for item in read_geonames(lines, codes or None, bbox):
                if isinstance(item, LineError):
                    bad += 1
                    self.stderr.write(f"{file.name}:{item.line}: {item.reason}")
                elif codes or item.feature_class == "P":
                    features.append(item)
        alternates: dict[int, list[AlternateName]] = {}
        if alternate_names is not None:
            with _lines(alternate_names) as lines:
                for item in read_alternate_names(lines, {f.geonameid for f in features}):
                    if isinstance(item, LineError):
                        bad += 1
                        self.stderr.write(f"{alternate_names.name}:{item.line}: {item.reason}")
                    else:
                        alternates.setdefault(item.geonameid, []).append(item)
        total = LoadResult()
        for start in range(0, len(features), CHUNK):
            chunk = import_geonames_places(features[start : start + CHUNK], alternates, file.name)
            total.created += chunk.created
            total.updated += chunk.updated
            total.unchanged += chunk.unchanged
            total.kept_editor += chunk.kept_editor
        self.stdout.write(
            f"created {total.created}, updated {total.updated}, unchanged {total.unchanged}, "
            f"kept {total.kept_editor} (edited by editors), skipped {bad} bad line(s)"
        )
        if bad:
            raise CommandError(f"{bad} bad line(s) skipped; see above", returncode=1)
