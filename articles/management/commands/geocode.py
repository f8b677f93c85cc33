"""Resolve place names through the geocoder chain and show where each lands and how surely."""

from __future__ import annotations

import json

from django.core.management.base import CommandError

from articles.geocoding import resolve
from articles.management import NewsmapCommand


class Command(NewsmapCommand):
    help = (
        "Resolve each NAME through the chain (gazetteer, spelling-folded gazetteer, offline world "
        "gazetteer, online geocoder when NEWSMAP_GEOCODER is set). Exit status 0 when every name "
        "resolved, 1 when any did not."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("names", nargs="+", metavar="NAME")
        parser.add_argument("--json", action="store_true", help="print a JSON array")

    def handle(self, *args, names: list[str], **options) -> None:
        rows = []
        for name in names:
            result = resolve(name)
            place = result.place if result else None
            rows.append(
                {
                    "query": name,
                    "place": place.name if place else None,
                    "slug": place.slug if place else None,
                    "lat": result.lat if result else None,
                    "lon": result.lon if result else None,
                    "precision_m": result.radius_m if result else None,
                    "source": result.source if result else None,
                    "_code": result.precision_code if result else None,
                    "_stage": result.stage if result else None,
                }
            )
        if options["json"]:
            public = [{k: v for k, v in row.items() if not k.startswith("_")} for row in rows]
            self.stdout.write(json.dumps(public, ensure_ascii=False, indent=2))
        else:
            self._table(rows)
        missing = [row["query"] for row in rows if row["place"] is None]
        if missing:
            raise CommandError(f"unresolved: {', '.join(missing)}", returncode=1)

    def _table(self, rows: list[dict]) -> None:
        cells = [("NAME", "PLACE", "LAT", "LON", "PRECISION", "STAGE", "SOURCE")]
        for row in rows:
            if row["place"] is None:
                cells.append((row["query"], "(unresolved)", "", "", "", "", ""))
                continue
            cells.append(
                (
                    row["query"],
                    f"{row['place']} [{row['slug']}]",
                    f"{row['lat']:.5f}",
                    f"{row['lon']:.5f}",
                    f"{row['_code']} ±{row['precision_m']} m",
                    row["_stage"],
                    row["source"],
                )
            )
        widths = [max(len(r[i]) for r in cells) for i in range(len(cells[0]) - 1)]
        for r in cells:
            line = "  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False))
            self.stdout.write(f"{line}  {r[-1]}".rstrip())
