"""Reports, places, their spellings and the mentions that tie them together."""

from __future__ import annotations

import datetime as dt

from django.db import models
from django.urls import reverse
from simple_history.models import HistoricalRecords


class Article(models.Model):
    """One news report as published; the raw text is kept verbatim so it can be parsed again."""

    identity = models.CharField(
        max_length=64,
        unique=True,
        help_text="Hash of what makes a report the same: headline and dateline, or feed URL.",
    )
    title = models.TextField(help_text="The headline as published.")
    published_at = models.DateTimeField(db_index=True, help_text="When the source published it.")
    body = models.TextField(blank=True, help_text="Body paragraphs, separated by blank lines.")
    source = models.CharField(
        max_length=200,
        blank=True,
        db_index=True,
        help_text="The outlet or agency behind the report (its source line or feed), "
        "counted once when corroborating a status.",
    )
    url = models.URLField(
        max_length=1000, blank=True, help_text="Where it was published, if known."
    )
    origin = models.CharField(
        max_length=1000, blank=True, help_text="The file, feed or upload it was imported from."
    )
    raw_text = models.TextField(help_text="The report exactly as imported, decoded to text.")
    content_hash = models.CharField(max_length=64, help_text="SHA-256 of the raw text.")
    imported_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-published_at", "-id"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("article_detail", args=[self.pk])

    def paragraphs(self) -> list[str]:
        """Body paragraphs as stored."""
        return [p for p in self.body.split("\n\n") if p.strip()]


class ArticleRevision(models.Model):
    """An earlier raw text of a report that a later import with a changed body replaced."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    raw_text = models.TextField(help_text="The replaced raw text, verbatim.")
    content_hash = models.CharField(max_length=64)
    origin = models.CharField(max_length=1000, blank=True)
    replaced_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-replaced_at", "-id"]

    def __str__(self) -> str:
        return f"{self.article} (replaced {self.replaced_at:%Y-%m-%d %H:%M})"


class RelatedItem(models.Model):
    """An entry in the publisher's related-stories list printed under a report."""

    class MediaKind(models.TextChoices):
        VIDEO = "video", "Video"
        IMAGE = "image", "Image"
        OTHER = "other", "Other"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="related_items")
    external_id = models.CharField(max_length=50, help_text="The publisher's id of the item.")
    sort = models.CharField(max_length=50, blank=True)
    content_type_id = models.CharField(max_length=50, blank=True)
    title = models.TextField()
    media_kind = models.CharField(max_length=10, choices=MediaKind.choices, default=MediaKind.OTHER)
    media_path = models.CharField(max_length=500, blank=True)
    media_date = models.DateField(null=True, blank=True, help_text="The date in the media path.")
    position = models.PositiveIntegerField(default=0, help_text="Order in the related list.")

    class Meta:
        ordering = ["article", "position"]

    def __str__(self) -> str:
        return self.title


class Place(models.Model):
    """A named location with a point, an honest precision and where that point comes from."""

    class Kind(models.TextChoices):
        COUNTRY = "country", "Country"
        REGION = "region", "Region"
        CITY = "city", "City"
        TOWN = "town", "Town"
        VILLAGE = "village", "Village"
        DISTRICT = "district", "District"
        # A district that holds neighbourhoods of its own, as Mosul's Old City does.
        QUARTER = "quarter", "Quarter (a district of districts)"
        LANDMARK = "landmark", "Landmark"

    class Precision(models.IntegerChoices):
        EXACT = 1, "1 – the named place itself"
        APPROXIMATE = 2, "2 – approximate, from a described location"
        PARENT_AREA = 3, "3 – only the parent area is known"

    class Provenance(models.TextChoices):
        GAZETTEER = "gazetteer", "Shipped gazetteer"
        GEONAMES = "geonames", "GeoNames import"
        WORLD = "world", "Offline world gazetteer"
        GEOCODER = "geocoder", "Online geocoder"
        EDITOR = "editor", "Editor"

    class Review(models.TextChoices):
        UNREVIEWED = "unreviewed", "Unreviewed"
        NEEDS_REVIEW = "needs_review", "Needs review"
        CONFIRMED = "confirmed", "Confirmed"

    class Bank(models.TextChoices):
        NONE = "", "—"
        EAST = "east", "East (left) bank"
        WEST = "west", "West (right) bank"

    name = models.CharField(max_length=200, help_text="Canonical English name.")
    slug = models.SlugField(max_length=200, unique=True)
    name_ar = models.CharField(max_length=200, blank=True, help_text="Arabic name.")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.TOWN)
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="children",
        help_text="The enclosing place: a district's city, a city's country.",
    )
    bank = models.CharField(
        max_length=4,
        choices=Bank.choices,
        blank=True,
        default=Bank.NONE,
        help_text="For Mosul districts: which side of the Tigris.",
    )
    latitude = models.FloatField()
    longitude = models.FloatField()
    precision = models.PositiveSmallIntegerField(
        choices=Precision.choices,
        default=Precision.EXACT,
        help_text="Like ACLED's geo_precision: how the point relates to the place.",
    )
    radius_m = models.PositiveIntegerField(
        default=500, help_text="Uncertainty radius in metres around the point."
    )
    provenance = models.CharField(
        max_length=20, choices=Provenance.choices, default=Provenance.GAZETTEER
    )
    provenance_detail = models.CharField(
        max_length=100, blank=True, help_text="E.g. the geocoder's name or the import file."
    )
    source = models.TextField(
        help_text="Where the coordinate comes from: a citation, never a guess."
    )
    geonames_id = models.PositiveBigIntegerField(null=True, blank=True, db_index=True)
    osm_id = models.CharField(
        max_length=40, blank=True, help_text="OpenStreetMap object, e.g. node/123 or relation/45."
    )
    wikidata_id = models.CharField(max_length=20, blank=True)
    population = models.PositiveBigIntegerField(null=True, blank=True)
    common_word = models.BooleanField(
        default=False,
        help_text="The name is also an everyday word or a personal name, "
        "so it counts as a place only with a place cue.",
    )
    review_state = models.CharField(
        max_length=20, choices=Review.choices, default=Review.UNREVIEWED, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_approximate(self) -> bool:
        return self.precision != self.Precision.EXACT


class Alias(models.Model):
    """A spelling of a place: a transliteration, an Arabic name, an agency's variant."""

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="aliases")
    text = models.CharField(max_length=200)
    language = models.CharField(max_length=10, blank=True, default="en", help_text="ISO 639-1.")
    normalised = models.CharField(
        max_length=200, db_index=True, help_text="The folded form used for matching."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["place", "text"]
        verbose_name_plural = "aliases"
        constraints = [
            models.UniqueConstraint(fields=["place", "normalised"], name="alias_unique_per_place")
        ]

    def __str__(self) -> str:
        return f"{self.text} → {self.place}"

    def save(self, *args, **kwargs) -> None:
        from articles.names import normalise

        self.normalised = normalise(self.text)
        super().save(*args, **kwargs)


class Status(models.TextChoices):
    """What a mention says about the front line at its place."""

    ADVANCE = "advance", "Advance"
    FIGHTING = "fighting", "Fighting"
    CLEARING = "clearing", "Clearing"
    RETAKEN = "retaken", "Retaken"
    ISIS_HELD = "isis_held", "ISIS-held"
    MENTIONED = "mentioned", "Mentioned"


CONTESTED = (Status.ADVANCE, Status.FIGHTING, Status.CLEARING)


class MentionQuerySet(models.QuerySet):
    def active(self) -> MentionQuerySet:
        """Mentions that count: not rejected by an editor."""
        return self.filter(rejected=False)

    def resolved(self) -> MentionQuerySet:
        return self.filter(place__isnull=False)

    def unresolved(self) -> MentionQuerySet:
        return self.filter(place__isnull=True, rejected=False)

    def as_of(self, day: dt.date) -> MentionQuerySet:
        """Active mentions whose event happened on or before `day`."""
        return self.active().filter(event_date__lte=day)

    def in_window(self, start: dt.date, end: dt.date) -> MentionQuerySet:
        """Active mentions whose event falls within [start, end]."""
        return self.active().filter(event_date__gte=start, event_date__lte=end)


class Mention(models.Model):
    """One report's reference to one place in one sentence, with what it says happened there."""

    class DatePrecision(models.TextChoices):
        STATED = "stated", "Stated in the text"
        RELATIVE = "relative", "Relative to publication (yesterday, on Thursday)"
        PUBLICATION = "publication", "Publication date (the text gives none)"

    class DecidedBy(models.TextChoices):
        AUTO = "auto", "Geoparser"
        EDITOR = "editor", "Editor"

    class Section(models.TextChoices):
        TITLE = "title", "Headline"
        BODY = "body", "Body"
        RELATED = "related", "Related headline"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="mentions")
    place = models.ForeignKey(
        Place,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="mentions",
        # The (place, event_date) index below serves every lookup by place: a second index
        # on place alone would only slow each insert.
        db_index=False,
        help_text="Empty while the name is unresolved.",
    )
    parent_place = models.ForeignKey(
        Place,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,  # indexed where set: see Meta
        help_text="Where an unresolved name is drawn meanwhile (e.g. east Mosul), precision 3.",
    )
    surface = models.CharField(max_length=300, help_text="The text as the report spells it.")
    normalised = models.CharField(max_length=300)  # indexed for unresolved names: see Meta
    section = models.CharField(max_length=10, choices=Section.choices, default=Section.BODY)
    start = models.PositiveIntegerField(help_text="Character offset in the section's text.")
    end = models.PositiveIntegerField()
    sentence = models.TextField()
    # No index on status or is_primary: nothing selects mentions by one of them alone (six
    # values, two), and every index slows each of an import's inserts. decided_by and rejected
    # are indexed only where an editor set them: see Meta.
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.MENTIONED)
    # Indexed first in (event_date, rejected, article): see Meta.
    event_date = models.DateField()
    date_precision = models.CharField(
        max_length=12, choices=DatePrecision.choices, default=DatePrecision.PUBLICATION
    )
    confidence = models.FloatField(default=1.0)
    is_primary = models.BooleanField(
        default=False,
        help_text="The report's main claim about this place, the one the map draws.",
    )
    container = models.BooleanField(
        default=False,
        help_text="Named as the place around one the sentence is about (“Intisar, eastern "
        "Mosul”): the status is the sentence's, but the map counts it for that place only.",
    )
    decided_by = models.CharField(max_length=10, choices=DecidedBy.choices, default=DecidedBy.AUTO)
    rejected = models.BooleanField(default=False, help_text="An editor marked it a false positive.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    objects = MentionQuerySet.as_manager()

    class Meta:
        ordering = ["article", "section", "start"]
        # Every index is one more B-tree for each of an import's many inserts to update, so
        # there are only those the queries use; the last four leave out the rows most mentions
        # are (resolved, with no parent area, the geoparser's, not rejected), and cost those
        # inserts nothing.
        indexes = [
            # A place's mentions, by day; also every lookup by place alone, or with no place.
            models.Index(fields=["place", "event_date"]),
            # Windows, the slider's range and the counts per day read active mentions by day,
            # often only for their reports: this index answers all of it without the rows
            # (the week's report list at 1M mentions in half the time). Django's "NOT rejected"
            # cannot seek a (rejected, ...) index on SQLite, so the day comes first.
            models.Index(fields=["event_date", "rejected", "article"], name="mention_day"),
            # The editors' queue and the geocoder group unresolved mentions by name.
            models.Index(
                fields=["normalised"],
                condition=models.Q(place__isnull=True),
                name="mention_unresolved_name",
            ),
            models.Index(
                fields=["parent_place"],
                condition=models.Q(parent_place__isnull=False),
                name="mention_parent_place",
            ),
            # The editors' own decisions and rejections, which the mention list filters on:
            # few rows, and none of the geoparser's, so an import's inserts skip both.
            models.Index(
                fields=["decided_by"],
                condition=models.Q(decided_by="editor"),
                name="mention_editor_decided",
            ),
            models.Index(
                fields=["rejected"], condition=models.Q(rejected=True), name="mention_rejected"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.surface} ({self.get_status_display()}, {self.event_date})"


class GeocodeLookup(models.Model):
    """A cached answer (or failure) of the online geocoder for one normalised name."""

    class Outcome(models.TextChoices):
        FOUND = "found", "Found"
        NOT_FOUND = "not_found", "Not found"
        FAILED = "failed", "Failed (network, timeout or bad answer)"

    provider = models.CharField(max_length=50)
    query = models.CharField(max_length=300)
    normalised = models.CharField(max_length=300, db_index=True)
    outcome = models.CharField(max_length=12, choices=Outcome.choices)
    place = models.ForeignKey(Place, null=True, blank=True, on_delete=models.SET_NULL)
    raw = models.JSONField(default=dict, blank=True, help_text="The geocoder's answer, as data.")
    error = models.TextField(blank=True)
    attempted_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-attempted_at"]
        constraints = [
            models.UniqueConstraint(fields=["provider", "normalised"], name="lookup_once")
        ]

    def __str__(self) -> str:
        return f"{self.provider}: {self.query} → {self.get_outcome_display()}"


class PlaceStatusPeriod(models.Model):
    """A stretch of days over which a place's front-line status, as the map draws it, holds.

    Derived from mentions by `articles.timeline`, so the map answers "status on day D" with one
    indexed lookup instead of re-reading every claim; rebuilt for a place whenever its mentions
    change.
    """

    place = models.ForeignKey(Place, on_delete=models.CASCADE, related_name="status_periods")
    start = models.DateField(help_text="First day of the period.")
    end = models.DateField(help_text="First day after the period (date.max while it lasts).")
    status = models.CharField(max_length=12, help_text="Map category: isis_held, contested, …")
    detail = models.CharField(max_length=12, blank=True, help_text="The winning claim.")
    since = models.DateField(null=True, blank=True)
    last_report = models.DateField(null=True, blank=True)
    reports = models.PositiveIntegerField(default=0)
    sources = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["place", "start"]
        indexes = [models.Index(fields=["end", "start"])]

    def __str__(self) -> str:
        return f"{self.place_id}: {self.status} {self.start}–{self.end}"


class DataVersion(models.Model):
    """One row whose counter moves on every change the map shows: the APIs' ETag."""

    version = models.PositiveBigIntegerField(default=0)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return f"data version {self.version}"
