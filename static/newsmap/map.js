// The map page: reads its options from the "map-config" json_script and wires slider, map and list.
//
// Config (all from the server; the embed passes the same shape with its own `ui`):
//   api: {periods, window, reports, reportsCsv, timeline}   URLs of the APIs
//   pageUrl, articlesUrl                           the map page (htmx list) and the reports list
//   tiles: {url, attribution}                      url "" means no tile layer
//   first, last, windows, bounds                   slider range, window choices, initial extent
//   state: {date, window, lat, lng, zoom, place}   the view to open with
//   ui: {slider, legend, sidebar, history, autoplay, linkTarget}
// Elements, each optional but #map: #date-slider, #slider-wrap, #date-input, #date-label, #play,
// #histogram, #controls, #legend, #report-list, #place-detail; the share dialog (share.js).
/* global L, htmx */
import { binByDay, drawHistogram } from "./histogram.js";
import { decodePeriods, decodeWindow, placesOn, stretchOf } from "./data.js";
import { createPlacesLayer, createReportsLayer } from "./layers.js";
import { placeDetail } from "./popups.js";
import { setupShare } from "./share.js";
import {
  addDays,
  clampDay,
  dayNumber,
  debounce,
  encodeState,
  formatDay,
  isoDay,
  parseState,
  windowStart,
} from "./state.js";

const DEFAULT_UI = { slider: true, legend: true, sidebar: true, history: true, autoplay: false, linkTarget: null };
const PLAY_STEP_MS = 700;
const FOCUS_ZOOM = 14;
const CACHE_SIZE = 80;
// Days of reports kept in memory, so moving the window fetches only the days it adds.
const DAYS_KEPT = 400;
// Within this many days of a stretch's edge, a reader moving the slider gets the next one fetched.
const PREFETCH_DAYS = 8;

const $ = (id) => document.getElementById(id);

function readConfig() {
  const el = $("map-config");
  return el ? JSON.parse(el.textContent) : null;
}

/**
 * GET JSON, decoded by `decode`, through a small in-memory cache of promises, so a request
 * already on its way is shared; the browser revalidates by ETag underneath. `peek` gives a
 * decoded answer already at hand, or undefined.
 */
function jsonLoader() {
  const cache = new Map();
  const done = new Map();
  function keep(map, url, value) {
    map.set(url, value);
    if (map.size > CACHE_SIZE) map.delete(map.keys().next().value);
  }
  async function get(url, decode) {
    const response = await fetch(url, { headers: { Accept: "application/json" } });
    if (!response.ok) throw new Error(`${url}: ${response.status}`);
    const value = decode(await response.json());
    keep(done, url, value);
    return value;
  }
  const load = (url, decode = (body) => body) => {
    if (!cache.has(url)) {
      const pending = get(url, decode);
      pending.catch(() => cache.delete(url));
      keep(cache, url, pending);
    }
    return cache.get(url);
  };
  load.peek = (url) => done.get(url);
  return load;
}

export function start(config) {
  const ui = { ...DEFAULT_UI, ...(config.ui || {}) };
  const span = { first: config.first, last: config.last };
  const fallback = { date: config.last, window: 7, ...(config.state || {}) };
  const state = parseState("", fallback, span);
  Object.assign(state, {
    lat: fallback.lat ?? null,
    lng: fallback.lng ?? null,
    zoom: fallback.zoom ?? null,
    place: fallback.place ?? null,
  });
  const load = jsonLoader();
  const mapEl = $("map");
  const slider = $("date-slider");
  const dateInput = $("date-input");
  const dateLabel = $("date-label");
  const playButton = $("play");
  let shadeWindow = () => {};
  let playing = null;

  const map = L.map(mapEl, { keyboard: true, minZoom: 3, maxZoom: 18 });
  if (config.tiles && config.tiles.url) {
    L.tileLayer(config.tiles.url, { attribution: config.tiles.attribution, maxZoom: 19 }).addTo(map);
  }
  const popupOptions = { articlesUrl: config.articlesUrl, linkTarget: ui.linkTarget };
  const places = createPlacesLayer(map, {
    ...popupOptions,
    onSelect: (slug) => selectPlace(slug, { pan: false, popup: false }),
  });
  const reports = createReportsLayer(map, popupOptions);

  function setInitialView() {
    if (state.lat !== null && state.zoom !== null) {
      map.setView([state.lat, state.lng], state.zoom);
    } else if (config.bounds) {
      map.fitBounds(config.bounds, { padding: [30, 30], maxZoom: FOCUS_ZOOM });
    } else {
      map.setView([36.34, 43.13], 11);
    }
  }

  // --- URL -------------------------------------------------------------------------------
  function writeUrl(push) {
    if (!ui.history) return;
    const url = encodeState(state) + window.location.hash;
    if (url === window.location.search + window.location.hash) return;
    (push ? history.pushState : history.replaceState).call(history, null, "", url);
  }

  // --- data ------------------------------------------------------------------------------
  let reportsWanted = "";
  /** The URL of the status periods of the aligned stretch of days that holds day number `n`. */
  function stretchUrl(n) {
    const { first, last } = stretchOf(n);
    return `${config.api.periods}?start=${isoDay(first)}&end=${isoDay(last)}`;
  }

  /** Redraw the places as of the date: at once when its stretch is at hand, else once fetched. */
  async function drawPlaces({ prefetch = false } = {}) {
    const day = dayNumber(state.date);
    const url = stretchUrl(day);
    const block = load.peek(url) || (await load(url, decodePeriods).catch((error) => {
      console.warn("Could not load places", error);
      return null;
    }));
    if (!block || dayNumber(state.date) !== day) return;
    places.update(placesOn(block, day));
    showSelected(false);
    mapEl.dataset.placesDate = state.date;
    if (!prefetch) return;
    // A reader moving the slider will soon need the next stretch: fetch it while they look.
    const near = [day - PREFETCH_DAYS, day + PREFETCH_DAYS].map(stretchUrl).filter((u) => u !== url);
    for (const next of near) load(next, decodePeriods).catch(() => {});
  }

  const reportDays = new Map(); // day number -> promise of that day's report rows

  /** The report rows of days [first, last], fetching only the days not at hand, in runs. */
  function windowRows(first, last) {
    let run = null;
    const runs = [];
    for (let n = first; n <= last; n++) {
      if (reportDays.has(n)) run = null;
      else if (run) run.last = n;
      else runs.push((run = { first: n, last: n }));
    }
    for (const { first: a, last: b } of runs) {
      const url = `${config.api.window}?start=${isoDay(a)}&end=${isoDay(b)}`;
      const rows = fetch(url, { headers: { Accept: "application/json" } }).then(async (response) => {
        if (!response.ok) throw new Error(`${url}: ${response.status}`);
        const byDay = new Map();
        for (const row of decodeWindow(await response.json())) {
          const n = dayNumber(row.event_date);
          if (!byDay.has(n)) byDay.set(n, []);
          byDay.get(n).push(row);
        }
        return byDay;
      });
      for (let n = a; n <= b; n++) {
        const day = rows.then((byDay) => byDay.get(n) || []);
        day.catch(() => reportDays.delete(n));
        reportDays.set(n, day);
      }
    }
    const days = [];
    for (let n = first; n <= last; n++) days.push(reportDays.get(n));
    while (reportDays.size > DAYS_KEPT) reportDays.delete(reportDays.keys().next().value);
    return Promise.all(days).then((lists) => lists.flat());
  }

  async function loadReports() {
    const start = windowStart(state.date, state.window);
    const q = `start=${start}&end=${state.date}`;
    reportsWanted = q;
    try {
      const rows = await windowRows(dayNumber(start), dayNumber(state.date));
      if (q !== reportsWanted) return;
      const count = await reports.render(rows);
      if (q !== reportsWanted) return;
      mapEl.dataset.reports = String(count);
      mapEl.dataset.reportsWindow = q;
    } catch (error) {
      console.warn("Could not load reports", error);
    }
  }
  const loadReportsSoon = debounce(loadReports, 120);

  const refreshList = debounce(() => {
    const list = $("report-list");
    if (!ui.sidebar || !list || typeof htmx === "undefined") return;
    const q = `?date=${state.date}&window=${state.window}`;
    list.setAttribute("aria-busy", "true");
    htmx.ajax("GET", config.pageUrl + q, { target: "#report-list", swap: "outerHTML" });
  }, 250);

  // --- time ------------------------------------------------------------------------------
  function showDate() {
    const index = dayNumber(state.date) - dayNumber(span.first);
    if (slider) {
      slider.value = String(index);
      slider.setAttribute("aria-valuetext", formatDay(state.date, true));
    }
    if (dateInput) dateInput.value = state.date;
    if (dateLabel) dateLabel.textContent = formatDay(state.date, true);
    shadeWindow(index - state.window + 1, index);
    const q = `start=${windowStart(state.date, state.window)}&end=${state.date}`;
    const geojson = $("download-geojson");
    const csv = $("download-csv");
    if (geojson) geojson.href = `${config.api.reports}?${q}`;
    if (csv) csv.href = `${config.api.reportsCsv}?${q}`;
  }

  /** Move to a day: redraw places now, reports and the list once the slider rests. */
  function setDate(iso, { push = false, url = true } = {}) {
    state.date = clampDay(iso, span.first, span.last);
    showDate();
    drawPlaces({ prefetch: true });
    loadReportsSoon();
    refreshList();
    if (url) writeUrl(push);
  }

  function setWindow(days, push = true) {
    state.window = days;
    showDate();
    loadReportsSoon();
    refreshList();
    writeUrl(push);
  }

  function stopPlaying() {
    if (!playing) return;
    clearInterval(playing);
    playing = null;
    if (playButton) {
      playButton.textContent = "Play";
      playButton.setAttribute("aria-pressed", "false");
    }
  }

  function play() {
    if (state.date === span.last) setDate(span.first, { url: false });
    playing = setInterval(() => {
      if (state.date >= span.last) return stopPlaying();
      setDate(addDays(state.date, 1));
    }, PLAY_STEP_MS);
    if (playButton) {
      playButton.textContent = "Pause";
      playButton.setAttribute("aria-pressed", "true");
    }
  }

  // --- places ----------------------------------------------------------------------------
  function showSelected(popup) {
    const panel = $("place-detail");
    const props = state.place ? places.select(state.place, popup) : places.select(null, false);
    if (!panel) return;
    panel.hidden = !state.place;
    if (!state.place) return panel.replaceChildren();
    panel.dataset.slug = state.place;
    panel.replaceChildren(placeDetail(props, () => selectPlace(null, {})));
  }

  function selectPlace(slug, { pan = true, popup = true, at = null, push = true } = {}) {
    state.place = slug;
    const entry = slug ? places.get(slug) : null;
    const target = at || (entry ? entry.marker.getLatLng() : null);
    if (pan && target) map.setView(target, Math.max(map.getZoom(), FOCUS_ZOOM));
    showSelected(popup);
    writeUrl(push);
  }

  // --- wiring ----------------------------------------------------------------------------
  function wire() {
    const first = dayNumber(span.first);
    const days = dayNumber(span.last) - first;
    if (slider) {
      slider.min = "0";
      slider.max = String(days);
      const fromSlider = () => dayNumber(span.first) + Number(slider.value);
      slider.addEventListener("input", () => {
        stopPlaying();
        setDate(addDays(span.first, Number(slider.value)));
      });
      slider.addEventListener("change", () => writeUrl(true));
      slider.addEventListener("keydown", (event) => {
        const step = { PageUp: 7, PageDown: -7 }[event.key];
        if (!step) return;
        event.preventDefault();
        stopPlaying();
        const n = Math.min(Math.max(fromSlider() + step, first), first + days);
        setDate(addDays(span.first, n - first), { push: true });
      });
    }
    const wrap = $("slider-wrap");
    if (wrap) wrap.hidden = !ui.slider;
    if (playButton) {
      playButton.hidden = !ui.slider;
      playButton.addEventListener("click", () => (playing ? stopPlaying() : play()));
    }
    const legend = $("legend");
    if (legend && !ui.legend) legend.hidden = true;
    if (dateInput) {
      dateInput.addEventListener("change", () => {
        if (dayNumber(dateInput.value) !== null) setDate(dateInput.value, { push: true });
      });
    }
    const form = $("controls");
    if (form) {
      form.addEventListener("submit", (event) => {
        event.preventDefault();
        if (dateInput && dayNumber(dateInput.value) !== null) setDate(dateInput.value, { push: true });
      });
      form.addEventListener("change", (event) => {
        if (event.target.name === "window") setWindow(Number(event.target.value));
      });
    }
    const svg = $("histogram");
    if (svg) {
      load(config.api.timeline)
        .then((timeline) => {
          shadeWindow = drawHistogram(svg, binByDay(timeline.days, span.first, span.last), span.first, (iso) =>
            setDate(iso, { push: true }),
          );
          showDate();
        })
        .catch((error) => console.warn("Could not load the timeline", error));
    }
    // Items in the server-rendered list focus the map; delegated so swapped lists work too.
    document.addEventListener("click", (event) => {
      const link = event.target.closest && event.target.closest("a.focus-place");
      if (!link || event.ctrlKey || event.metaKey || event.shiftKey) return;
      event.preventDefault();
      const lat = Number(link.dataset.lat);
      const lng = Number(link.dataset.lng);
      const at = Number.isFinite(lat) && Number.isFinite(lng) ? L.latLng(lat, lng) : null;
      selectPlace(link.dataset.slug, { at });
      mapEl.focus();
    });
    document.addEventListener("htmx:afterSwap", () => {
      const list = $("report-list");
      if (list) list.setAttribute("aria-busy", "false");
    });
    window.addEventListener("popstate", () => {
      const next = parseState(window.location.search, { date: span.last, window: 7 }, span);
      stopPlaying();
      state.window = next.window;
      const radio = form && form.querySelector(`input[name="window"][value="${next.window}"]`);
      if (radio) radio.checked = true;
      if (next.lat !== null) map.setView([next.lat, next.lng], next.zoom);
      state.place = next.place;
      setDate(next.date, { url: false });
    });
  }

  setInitialView();
  wire();
  // Record the view only once the reader moves the map, so opening a link keeps it exact.
  mapEl.dataset.zoom = String(map.getZoom());
  map.on("moveend", () => {
    const centre = map.getCenter();
    mapEl.dataset.zoom = String(map.getZoom());
    Object.assign(state, { lat: centre.lat, lng: centre.lng, zoom: map.getZoom() });
    writeUrl(false);
  });
  showDate();
  loadReports();
  drawPlaces().then(() => {
    if (state.place && state.lat === null) selectPlace(state.place, { push: false, popup: true });
    else if (state.place) showSelected(false);
  });
  if (ui.autoplay) play();
  return { map, state, setDate, setWindow, selectPlace };
}

const config = readConfig();
if (config && $("map")) {
  const view = start(config);
  setupShare(() => encodeState(view.state));
}
