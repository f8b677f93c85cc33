// The page's own compact answers made ready to draw: places' status periods (/api/periods.json),
// looked up by day so a slider step needs no request, and a window's reports (/api/window.json).
// Pure: no DOM, no Leaflet.
import { dayNumber, isoDay } from "./state.js";

/** Days per stretch the page asks for; stretches are aligned so their URLs repeat. */
export const STRETCH_DAYS = 32;
const FIELDS = 8; // per period: gap, length, status, detail, since, last report, reports, sources

/** The first and last day (as day numbers) of the aligned stretch that holds day `n`. */
export function stretchOf(n) {
  const first = Math.floor(n / STRETCH_DAYS) * STRETCH_DAYS;
  return { first, last: first + STRETCH_DAYS - 1 };
}

/** A periods answer made ready for lookups: places with their periods' first and end days. */
export function decodePeriods(body) {
  const first = dayNumber(body.start);
  const places = body.places.map(([slug, name, kind, lng, lat, precision, precisionM, flat]) => {
    const count = flat.length / FIELDS;
    const starts = new Int32Array(count);
    const ends = new Int32Array(count);
    let end = 0;
    for (let i = 0; i < count; i++) {
      starts[i] = end + flat[i * FIELDS];
      end = starts[i] + flat[i * FIELDS + 1];
      ends[i] = end;
    }
    const place = { slug, name, kind, lat, lng, precision, precision_m: precisionM };
    return { place, flat, starts, ends, props: new Array(count).fill(null) };
  });
  return { first, last: dayNumber(body.end), codes: body.codes, places };
}

function backDay(day, back) {
  return back === null || back === undefined ? null : isoDay(day - back);
}

/** The properties /api/places.geojson gives a place for its i-th period, made once and kept. */
function propsOf(block, entry, i) {
  if (entry.props[i]) return entry.props[i];
  const f = entry.flat;
  const o = i * FIELDS;
  const day = block.first + entry.starts[i];
  const p = entry.place;
  entry.props[i] = {
    slug: p.slug,
    name: p.name,
    kind: p.kind,
    status: block.codes[f[o + 2]],
    detail: block.codes[f[o + 3]] || null,
    status_since: backDay(day, f[o + 4]),
    last_report: backDay(day, f[o + 5]),
    reports: f[o + 6],
    sources: f[o + 7],
    precision: p.precision,
    precision_m: p.precision_m,
  };
  return entry.props[i];
}

/** The period of `entry` that holds on day offset `at`, or -1 (the place is not on the map). */
function periodAt(entry, at) {
  let low = 0;
  let high = entry.starts.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (entry.starts[mid] > at) high = mid - 1;
    else if (entry.ends[mid] <= at) low = mid + 1;
    else return mid;
  }
  return -1;
}

/**
 * Every place on the map on day number `n` with its properties as of that day, or null when
 * `n` is outside the block. A place's properties are the same object for every day of one
 * period, so a caller can tell a changed place by identity.
 */
export function placesOn(block, n) {
  if (n < block.first || n > block.last) return null;
  const at = n - block.first;
  const found = [];
  for (const entry of block.places) {
    const i = periodAt(entry, at);
    if (i >= 0) found.push({ lat: entry.place.lat, lng: entry.place.lng, props: propsOf(block, entry, i) });
  }
  return found;
}

/** A window answer as rows with the fields of /api/reports.geojson's properties, plus lat/lng. */
export function decodeWindow(body) {
  const first = dayNumber(body.start);
  return body.mentions.map(([a, p, day, status, primary, sentence]) => {
    const [articleId, title, published, url] = body.articles[a];
    const [place, slug, area, lng, lat] = body.places[p];
    return {
      article_id: articleId,
      title,
      published_at: published,
      url,
      place,
      slug,
      area,
      resolved: slug !== null,
      event_date: isoDay(first + day),
      status,
      is_primary: primary === 1,
      sentence,
      lat,
      lng,
    };
  });
}
