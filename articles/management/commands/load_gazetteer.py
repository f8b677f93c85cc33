"""Load the shipped gazetteer (or another file in its format) into places and aliases."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import CommandError

from articles.gazetteer import DEFAULT_PATH, GazetteerError, load_gazetteer
from articles.management import NewsmapCommand


class Command(NewsmapCommand):
    help = (
        "Load a gazetteer CSV (default: the shipped one). All or nothing: a bad row loads "
        "nothing. Places editors made or confirmed are left as they are."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_PATH)

    def handle(self, *args, path: Path, **options) -> None:
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            result = load_gazetteer(path)
        except GazetteerError as exc:
            for error in exc.errors:
                self.stderr.write(error)
            raise CommandError(
                f"{path.name}: {len(exc.errors)} bad row(s); nothing was loaded. "
                "Fix them and run again."
            ) from None
        for line in result.warnings:
            self.stderr.write(line)
        refolded = f", re-folded {result.refolded} alias form(s)" if result.refolded else ""
        self.stdout.write(
            f"created {result.created}, updated {result.updated}, "
            f"unchanged {result.unchanged}, kept {result.kept_editor} (edited by editors)"
            f"{refolded}"
        )
