// The map's state (date, window, centre, zoom, place) and its URL form. Pure: no DOM, no Leaflet.

export const WINDOWS = [1, 3, 7, 30];
export const DEFAULT_WINDOW = 7;
const DAY_MS = 86400000;
const ISO_DAY = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/;
const SLUG = /^[-a-zA-Z0-9_]{1,200}$/;

/** Days since 1970-01-01 for a YYYY-MM-DD string, or null if it is not a real date. */
export function dayNumber(iso) {
  if (typeof iso !== "string" || !ISO_DAY.test(iso)) return null;
  const [y, m, d] = iso.split("-").map(Number);
  const time = Date.UTC(y, m - 1, d);
  if (new Date(time).toISOString().slice(0, 10) !== iso) return null;
  return Math.round(time / DAY_MS);
}

/** The YYYY-MM-DD string of a day number. */
export function isoDay(n) {
  return new Date(n * DAY_MS).toISOString().slice(0, 10);
}

export function addDays(iso, n) {
  return isoDay(dayNumber(iso) + n);
}

/** The day, kept within [first, last]. */
export function clampDay(iso, first, last) {
  const n = dayNumber(iso);
  if (n === null) return last;
  return isoDay(Math.min(Math.max(n, dayNumber(first)), dayNumber(last)));
}

/** The first day of a window of `days` days that ends on `iso`. */
export function windowStart(iso, days) {
  return addDays(iso, -(days - 1));
}

function number(raw, low, high) {
  if (raw === null || raw.trim() === "") return null;
  const value = Number(raw);
  return Number.isFinite(value) && value >= low && value <= high ? value : null;
}

/** The state a query string asks for; anything missing or bad falls back to `fallback`. */
export function parseState(search, fallback, span) {
  const q = new URLSearchParams(search);
  const date = dayNumber(q.get("date")) === null ? fallback.date : q.get("date");
  const windowDays = Number(q.get("window"));
  const lat = number(q.get("lat"), -90, 90);
  const lng = number(q.get("lng"), -180, 180);
  const zoom = number(q.get("zoom"), 0, 19);
  const centred = lat !== null && lng !== null && zoom !== null;
  const place = q.get("place");
  return {
    date: span ? clampDay(date, span.first, span.last) : date,
    window: WINDOWS.includes(windowDays) ? windowDays : fallback.window ?? DEFAULT_WINDOW,
    lat: centred ? lat : null,
    lng: centred ? lng : null,
    zoom: centred ? Math.floor(zoom) : null,
    place: place && SLUG.test(place) ? place : null,
  };
}

/** The query string of a state, with the centre rounded to about a metre. */
export function encodeState(state) {
  const q = new URLSearchParams();
  q.set("date", state.date);
  q.set("window", String(state.window));
  if (state.lat !== null && state.lng !== null && state.zoom !== null) {
    q.set("lat", state.lat.toFixed(5));
    q.set("lng", state.lng.toFixed(5));
    q.set("zoom", String(state.zoom));
  }
  if (state.place) q.set("place", state.place);
  return "?" + q.toString();
}

const LONG = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
const SHORT = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });

/** "4 November 2016" (long) or "4 Nov 2016". */
export function formatDay(iso, long = false) {
  const n = dayNumber(iso);
  if (n === null) return "";
  return (long ? LONG : SHORT).format(new Date(n * DAY_MS));
}

/** A function that runs `fn` once calls have stopped for `ms` milliseconds. */
export function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}
