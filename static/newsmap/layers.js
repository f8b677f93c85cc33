// Leaflet rendering: places by status with honest precision, and clustered report markers.
/* global L */
import { categoryOf, placePopup, placeSummary, reportPopup } from "./popups.js";

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

  function describe(entry) {
    const el = entry.marker.getElement();
    const p = entry.props;
    if (el) {
      el.dataset.slug = p.slug;
      el.dataset.status = p.status;
      el.setAttribute("aria-label", placeSummary(p));
      el.setAttribute("role", "button");
      setStatusClass(el, p.status);
      el.classList.toggle("selected", p.slug === options.selected());
    }
    if (entry.circle) setStatusClass(entry.circle.getElement(), p.status);
  }

  function create(feature) {
    const [lng, lat] = feature.geometry.coordinates;
    const p = feature.properties;
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
    /** Draw the places of a FeatureCollection, updating markers already drawn. */
    render(collection) {
      const seen = new Set();
      for (const feature of collection.features) {
        const slug = feature.properties.slug;
        seen.add(slug);
        let entry = drawn.get(slug);
        if (!entry) {
          entry = create(feature);
          drawn.set(slug, entry);
        } else {
          entry.props = feature.properties;
        }
        describe(entry);
      }
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
      for (const entry of drawn.values()) describe(entry);
      const entry = drawn.get(slug);
      if (entry && openPopup) entry.marker.openPopup();
      return entry ? entry.props : null;
    },
  };
}

/** Report markers in the window, clustered; a cluster counts distinct reports, not mentions. */
export function createReportsLayer(map, options) {
  const clusters = L.markerClusterGroup({
    chunkedLoading: true,
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

  clusters.on("clustermouseover", (event) => {
    const el = event.layer.getElement();
    if (el && !el.hasAttribute("aria-label")) el.setAttribute("aria-label", "Group of reports: zoom in");
  });

  function marker(feature) {
    const [lng, lat] = feature.geometry.coordinates;
    const r = feature.properties;
    const m = L.marker([lat, lng], {
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

  return {
    /** Draw one marker per report and place: a report's several mentions of a place are one claim. */
    render(collection) {
      const best = new Map();
      for (const feature of collection.features) {
        if (!feature.geometry) continue;
        const r = feature.properties;
        const key = `${r.article_id}|${r.slug || "?" + r.area + "|" + r.place}`;
        const held = best.get(key);
        if (!held || (r.is_primary && !held.properties.is_primary)) best.set(key, feature);
      }
      clusters.clearLayers();
      clusters.addLayers([...best.values()].map(marker));
      return best.size;
    },
  };
}
