// Draws places and routes on a Leaflet map over bundled country outlines (works offline).
// Data comes from <script type="application/json" id="map-data">: {tileUrl, places, routes}.
(function () {
  "use strict";
  const ROUTE_COLOURS = ["#f4a261", "#e76f51", "#c2410c", "#9a3412", "#7c2d12"];

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
  }

  // A gentle arc from a to b (so opposite routes do not overlap), as sampled lat/lon points.
  function arc(a, b) {
    const mid = [(a[0] + b[0]) / 2, (a[1] + b[1]) / 2];
    const dx = b[1] - a[1], dy = b[0] - a[0];
    const bend = 0.18;
    const control = [mid[0] - dx * bend, mid[1] + dy * bend];
    const points = [];
    for (let i = 0; i <= 24; i++) {
      const t = i / 24, u = 1 - t;
      points.push([
        u * u * a[0] + 2 * u * t * control[0] + t * t * b[0],
        u * u * a[1] + 2 * u * t * control[1] + t * t * b[1],
      ]);
    }
    return points;
  }

  // The head sits just outside the destination's circle (``gap`` pixels from its centre).
  function arrowHead(map, points, size, gap) {
    const end = map.latLngToLayerPoint(points[points.length - 1]);
    const back = map.latLngToLayerPoint(points[points.length - 3]);
    const len = Math.hypot(end.x - back.x, end.y - back.y) || 1;
    const ux = (end.x - back.x) / len, uy = (end.y - back.y) / len;
    const tip = L.point(end.x - ux * gap, end.y - uy * gap);
    const base = L.point(tip.x - ux * size * 1.6, tip.y - uy * size * 1.6);
    const left = L.point(base.x - uy * size, base.y + ux * size);
    const right = L.point(base.x + uy * size, base.y - ux * size);
    return [tip, left, right].map((p) => map.layerPointToLatLng(p));
  }

  function setup(element) {
    const data = JSON.parse(document.getElementById("map-data").textContent);
    const map = L.map(element, { zoomSnap: 0.25, worldCopyJump: true, attributionControl: Boolean(data.tileUrl) });
    element.leaflet = map;
    map.createPane("outlines").style.zIndex = 250;
    if (data.tileUrl) {
      L.tileLayer(data.tileUrl, { attribution: element.dataset.attribution || "", maxZoom: 18 }).addTo(map);
    }
    fetch(element.dataset.outlines)
      .then((response) => response.json())
      .then((world) => {
        const countries = topojson.feature(world, world.objects.countries);
        L.geoJSON(countries, {
          pane: "outlines",
          interactive: false,
          style: { color: "#9aa5b8", weight: 0.8, fillColor: data.tileUrl ? "transparent" : "#e9edf3", fillOpacity: 1 },
        }).addTo(map);
        element.dataset.outlinesLoaded = "true";
      })
      .catch(() => { element.dataset.outlinesLoaded = "failed"; });

    // A view first: arrowheads are drawn in screen space, which needs one.
    const bounds = [];
    data.routes.forEach((route) => bounds.push(route.from, route.to));
    data.places.forEach((place) => bounds.push([place.lat, place.lon]));
    if (bounds.length) map.fitBounds(bounds, { padding: [40, 40], maxZoom: 7 });
    else map.setView([49, 31], 4);

    const maxFlow = Math.max(1, ...data.places.map((p) => p.inflow + p.outflow));
    const radius = (place) => 4 + 8 * Math.sqrt((place.inflow + place.outflow) / maxFlow);
    const radiusAt = new Map(data.places.map((p) => [`${p.lat},${p.lon}`, radius(p)]));

    const maxMovements = Math.max(1, ...data.routes.map((r) => r.movements));
    const maxSources = Math.max(1, ...data.routes.map((r) => r.sources));
    const heads = [];
    data.routes.forEach((route, index) => {
      const points = arc(route.from, route.to);
      // Width shows the share of the busiest route; single-movement legs stay thin.
      const weight = maxMovements === 1 ? 3 : 2 + 8 * Math.sqrt(route.movements / maxMovements);
      const shade = Math.min(ROUTE_COLOURS.length - 1, Math.round((route.sources / maxSources) * (ROUTE_COLOURS.length - 1)));
      const colour = ROUTE_COLOURS[shade];
      const line = L.polyline(points, { color: colour, weight, opacity: 0.85, lineCap: "round", className: "route-line" }).addTo(map);
      const gap = (radiusAt.get(`${route.to[0]},${route.to[1]}`) || 4) + 2;
      const size = 3 + weight * 0.8;
      const head = L.polygon(arrowHead(map, points, size, gap), { color: colour, fillColor: colour, fillOpacity: 0.95, weight: 1, className: "route-head" }).addTo(map);
      const label = `${route.label}: ${route.movements} movement${route.movements === 1 ? "" : "s"}, ${route.sources} source${route.sources === 1 ? "" : "s"}`;
      for (const layer of [line, head]) {
        layer.bindTooltip(escapeHtml(label), { sticky: true });
        layer.on("click", () => open(route, index));
        const path = layer.getElement();
        if (path) {
          path.setAttribute("data-route", String(index));
          path.setAttribute("aria-label", label);
        }
      }
      heads.push([head, points, size, gap]);
    });
    map.on("zoomend viewreset", () => heads.forEach(([head, points, size, gap]) => head.setLatLngs(arrowHead(map, points, size, gap))));

    data.places.forEach((place) => {
      const marker = L.circleMarker([place.lat, place.lon], {
        radius: radius(place), color: "#17213a", weight: 1.5, fillColor: "#2856b6", fillOpacity: 0.85, className: "place-point",
      }).addTo(map);
      const title = place.step ? `${place.step}. ${place.name}` : place.name;
      marker.bindTooltip(escapeHtml(title), { direction: "top", offset: [0, -radius(place) - 2], permanent: data.places.length <= 12, className: "place-label" });
      marker.bindPopup(
        `<strong>${escapeHtml(place.name)}</strong> <span class="hint">${escapeHtml(place.kind || "")}</span><br>` +
        `${place.inflow} in · ${place.outflow} out<br><a href="${place.href}">Place page</a>`
      );
    });

    heads.forEach(([head, points, size, gap]) => head.setLatLngs(arrowHead(map, points, size, gap)));
    element.dataset.ready = "true";

    function open(route, index) {
      document.querySelectorAll(".route-line.selected, .route-head.selected").forEach((p) => p.classList.remove("selected"));
      document.querySelectorAll(`[data-route="${index}"]`).forEach((p) => p.classList.add("selected"));
      const target = document.getElementById("route-records");
      if (!route.records || !target) return;
      if (window.htmx) {
        htmx.ajax("GET", route.records, { target: "#route-records", swap: "innerHTML" });
      } else {
        location.href = route.records;
      }
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    const element = document.getElementById("map");
    if (element && window.L) setup(element);
  });
})();
