"""Write every place and report to GeoJSON or CSV, so corrections are never locked in."""

from __future__ import annotations

import io
from pathlib import Path

from django.core.management.base import CommandError, CommandParser

from articles import export
from articles.management import NewsmapCommand


class Command(NewsmapCommand):
    help = (
        "Export every place (provenance, precision, aliases, history) and every report "
        "(with its mentions) as GeoJSON or CSV."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--format", choices=export.FORMATS, default="geojson")
        parser.add_argument(
            "--output", type=Path, help="File to write; standard output when left out."
        )

    def handle(self, *args, **options) -> None:
        fmt, output = options["format"], options["output"]
        if output is None:
            # OutputWrapper ends every write() with a newline, so hand it the whole text at once.
            buffer = io.StringIO()
            export.write_everything(fmt, buffer)
            self.stdout.write(buffer.getvalue(), ending="")
            return
        # Write beside the target and rename, so a failed export never leaves half a file.
        partial = output.with_name(output.name + ".partial")
        try:
            with partial.open("w", encoding="utf-8", newline="") as fh:
                export.write_everything(fmt, fh)
            partial.replace(output)
        except OSError as exc:
            partial.unlink(missing_ok=True)
            raise CommandError(f"cannot write {output}: {exc.strerror or exc}") from None
        self.stderr.write(f"wrote {fmt} export to {output}")
