// The place map in the admin: the marker and the coordinate fields follow each other.
(function () {
  "use strict";

  const DECIMALS = 6;

  function numberIn(input) {
    if (!input || input.value.trim() === "") return null;
    const value = Number(input.value);
    return Number.isFinite(value) ? value : null;
  }

  function validLatLng(lat, lon) {
    return lat !== null && lon !== null && Math.abs(lat) <= 90 && Math.abs(lon) <= 180;
  }

  function label(text) {
    // Names come from reports and geocoders: they enter the page as text, never as HTML.
    const span = document.createElement("span");
    span.textContent = text;
    return span;
  }

  function drawNeighbours(map, neighbours) {
    for (const n of neighbours) {
      L.circle([n.lat, n.lon], {
        radius: n.radius,
        color: "#555",
        weight: 1,
        opacity: 0.35,
        fillOpacity: 0.05,
        interactive: false,
      }).addTo(map);
      L.circleMarker([n.lat, n.lon], {
        radius: 4,
        color: "#555",
        weight: 1,
        opacity: 0.5,
        fillOpacity: 0.3,
        className: "newsmap-neighbour",
      })
        .bindTooltip(label(n.name))
        .addTo(map);
    }
  }

  function init(container) {
    const config = JSON.parse(document.getElementById(container.dataset.config).textContent);
    const latInput = document.getElementById(config.fields.lat);
    const lonInput = document.getElementById(config.fields.lon);
    const radiusInput = document.getElementById(config.fields.radius);

    const map = L.map(container, { scrollWheelZoom: false }).setView(config.centre, 13);
    L.tileLayer(config.tileUrl, { attribution: config.attribution, maxZoom: 19 }).addTo(map);
    drawNeighbours(map, config.neighbours);

    let marker = null;
    let circle = null;

    function radius() {
      const value = numberIn(radiusInput);
      return value !== null && value >= 0 ? value : 0;
    }

    function writeFields(latlng) {
      latInput.value = latlng.lat.toFixed(DECIMALS);
      lonInput.value = latlng.lng.toFixed(DECIMALS);
      latInput.dispatchEvent(new Event("change", { bubbles: true }));
      lonInput.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function place(latlng) {
      if (marker === null) {
        marker = L.marker(latlng, { draggable: true, autoPan: true, title: "Drag to move" });
        marker.on("drag", (event) => circle.setLatLng(event.target.getLatLng()));
        marker.on("dragend", (event) => writeFields(event.target.getLatLng()));
        marker.addTo(map);
        circle = L.circle(latlng, {
          radius: radius(),
          color: "#c0392b",
          weight: 2,
          fillOpacity: 0.1,
          interactive: false,
          className: "newsmap-uncertainty",
        }).addTo(map);
      } else {
        marker.setLatLng(latlng);
        circle.setLatLng(latlng);
      }
    }

    function fromFields() {
      const lat = numberIn(latInput);
      const lon = numberIn(lonInput);
      if (!validLatLng(lat, lon)) return;
      const latlng = L.latLng(lat, lon);
      place(latlng);
      // Pan only when the point leaves the view, so small corrections stay visible in place.
      if (!map.getBounds().contains(latlng)) map.panTo(latlng);
    }

    map.on("click", (event) => {
      place(event.latlng);
      writeFields(event.latlng);
    });
    latInput.addEventListener("input", fromFields);
    lonInput.addEventListener("input", fromFields);
    if (radiusInput) {
      radiusInput.addEventListener("input", () => {
        if (circle !== null) circle.setRadius(radius());
      });
    }

    const lat = numberIn(latInput);
    const lon = numberIn(lonInput);
    if (validLatLng(lat, lon)) {
      place(L.latLng(lat, lon));
      // Without animation: the view is final when the map says it is ready.
      if (radius() > 0) {
        map.fitBounds(circle.getBounds(), { maxZoom: 15, padding: [20, 20], animate: false });
      }
    }
    container.dataset.ready = "true";
  }

  function start() {
    for (const container of document.querySelectorAll(".newsmap-admin-map[data-config]")) {
      init(container);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
