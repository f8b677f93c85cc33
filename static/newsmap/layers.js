// Leaflet rendering: places by status with honest precision, and clustered report markers.
/* global L */
import { categoryOf, placePopup, placeSummary, reportPopup } from "./popups.js";

// What a place's marker, label and popup show of its day: a place is restyled when one changes.
const SHOWN = ["status", "detail", "status_since", "last_report", "reports", "sources", "name"];
const STATUS_CLASSES = ["status-isis_held", "status-contested", "status-retaken", "status-none"];

function setStatusClass(el, status) {
  if (!el) return;
  el.classList.remove(...STATUS_CLASSES);
  el.classList.add(`status-${status}`);
}

/** Places drawn by status: a point for precision 1, an uncertainty circle for 2 and 3. */
export function createPlacesLayer(map, options) {
  const group = L.layerGroup().addTo(map);
  const drawn = new Map(); // slug -> {marker, circle, props}
  let selected = null;

  function describe(entry) {
    const el = entry.marker.getElement();
    const p = entry.props;
    if (el) {
      el.dataset.slug = p.slug;
      el.dataset.status = p.status;
      el.setAttribute("aria-label", placeSummary(p));
      el.setAttribute("role", "button");
      setStatusClass(el, p.status);
      el.classList.toggle("selected", p.slug === selected);
    }
    if (entry.circle) setStatusClass(entry.circle.getElement(), p.status);
  }

  function create(lat, lng, p) {
    const approx = p.precision !== 1;
    const entry = { props: p, circle: null };
    if (approx) {
      entry.circle = L.circle([lat, lng], {
        radius: p.precision_m,
        className: `place-area precision-${p.precision}`,
        interactive: false,
      }).addTo(group);
    }
    entry.marker = L.marker([lat, lng], {
      icon: L.divIcon({
        className: `place-marker${approx ? " approx" : ""}`,
        iconSize: [16, 16],
        iconAnchor: [8, 8],
      }),
      keyboard: true,
      riseOnHover: true,
      zIndexOffset: 1000,
    });
    entry.marker.bindPopup(() => placePopup(entry.props, options), { autoPanPadding: [40, 40] });
    entry.marker.bindTooltip(
      () => {
        const text = document.createElement("span");
        text.textContent = placeSummary(entry.props);
        return text;
      },
      { direction: "top", offset: [0, -8] },
    );
    entry.marker.on("click", () => options.onSelect(entry.props.slug, false));
    entry.marker.on("add", () => describe(entry));
    entry.marker.addTo(group);
    return entry;
  }

  return {
    /**
     * Draw the places of a day ({lat, lng, props} each): markers are made once and kept, and
     * only a place whose properties changed since the last draw is restyled.
     */
    update(places) {
      const seen = new Set();
      for (const { lat, lng, props } of places) {
        seen.add(props.slug);
        const entry = drawn.get(props.slug);
        if (!entry) {
          drawn.set(props.slug, create(lat, lng, props));
        } else if (entry.props !== props) {
          const changed = SHOWN.some((key) => entry.props[key] !== props[key]);
          entry.props = props;
          if (!changed) continue;
          describe(entry);
          if (entry.marker.isPopupOpen()) entry.marker.setPopupContent(placePopup(props, options));
        }
      }
      if (seen.size === drawn.size) return;
      for (const [slug, entry] of drawn) {
        if (seen.has(slug)) continue;
        group.removeLayer(entry.marker);
        if (entry.circle) group.removeLayer(entry.circle);
        drawn.delete(slug);
      }
    },
    get(slug) {
      return drawn.get(slug);
    },
    /** Mark the selected place and open its popup. */
    select(slug, openPopup) {
      const before = selected === slug ? null : drawn.get(selected);
      selected = slug;
      if (before) describe(before);
      const entry = drawn.get(slug);
      if (entry) describe(entry);
      if (entry && openPopup) entry.marker.openPopup();
      return entry ? entry.props : null;
    },
  };
}

/** What a report marker shows: a marker is kept across windows while this stays the same. */
function signature(r) {
  const text = [r.title, r.published_at, r.url, r.place, r.resolved, r.status, r.event_date, r.sentence];
  return [...text, r.lat, r.lng].join("\u0000");
}

/** Report markers in the window, clustered; a cluster counts distinct reports, not mentions. */
export function createReportsLayer(map, options) {
  const added = []; // resolvers of addLayers calls whose chunks are still being clustered
  const clusters = L.markerClusterGroup({
    chunkedLoading: true,
    chunkProgress(processed, total) {
      if (processed === total && added.length) added.shift()();
    },
    showCoverageOnHover: false,
    maxClusterRadius: 40,
    iconCreateFunction(cluster) {
      const reports = new Set(cluster.getAllChildMarkers().map((m) => m.options.articleId)).size;
      const label = document.createElement("span");
      label.textContent = String(reports);
      const size = reports < 10 ? "small" : reports < 100 ? "medium" : "large";
      return L.divIcon({
        html: label,
        className: `report-cluster report-cluster-${size}`,
        iconSize: [28, 28],
        iconAnchor: [-4, 32],
      });
    },
  }).addTo(map);
  const shown = new Map(); // report and place -> {marker, signature}

  clusters.on("clustermouseover", (event) => {
    const el = event.layer.getElement();
    if (el && !el.hasAttribute("aria-label")) el.setAttribute("aria-label", "Group of reports: zoom in");
  });

  function marker(r) {
    const m = L.marker([r.lat, r.lng], {
      icon: L.divIcon({
        className: `report-marker status-${categoryOf(r.status)}${r.resolved ? "" : " unresolved"}`,
        iconSize: [12, 12],
        iconAnchor: [-4, 16],
      }),
      title: `${r.title} (${r.place})`,
      keyboard: true,
      articleId: r.article_id,
    });
    m.bindPopup(() => reportPopup(r, options), { maxWidth: 320, autoPanPadding: [40, 40] });
    return m;
  }

  /** Draw one window's markers (see render). */
  function draw(rows) {
    const best = new Map();
    for (const r of rows) {
      const key = `${r.article_id}|${r.slug || "?" + r.area + "|" + r.place}`;
      const held = best.get(key);
      if (!held || (r.is_primary && !held.is_primary)) best.set(key, r);
    }
    const gone = [];
    for (const [key, item] of shown) {
      const r = best.get(key);
      if (r && signature(r) === item.signature) continue;
      gone.push(item.marker);
      shown.delete(key);
    }
    const fresh = [];
    for (const [key, r] of best) {
      if (shown.has(key)) continue;
      const m = marker(r);
      shown.set(key, { marker: m, signature: signature(r) });
      fresh.push(m);
    }
    if (gone.length) clusters.removeLayers(gone);
    if (!fresh.length) return Promise.resolve(best.size);
    return new Promise((resolve) => {
      added.push(() => resolve(best.size));
      clusters.addLayers(fresh);
    });
  }

  let queue = Promise.resolve();

  return {
    /**
     * Draw one marker per report and place (a report's several mentions of a place are one
     * claim), changing only the markers that differ from the last window. Resolves with the
     * number of markers once they are all clustered; one window is drawn after another, so a
     * marker still being clustered is never left behind by the next window.
     */
    render(rows) {
      const run = queue.then(() => draw(rows));
      queue = run.catch(() => {});
      return run;
    },
  };
}
