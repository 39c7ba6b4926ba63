// Zoom and pan for the server-drawn timeline (templates/timeline/page.html).
// The server places every item; this script re-places them for the visible date window,
// draws the date axis for that window, and keeps the window in the URL (?view=from..to).
(function () {
  "use strict";
  const DAY_MS = 86400000;
  const MIN_SPAN = 3; // days
  const MAX_SPAN = 365 * 40;
  const SVG_NS = "http://www.w3.org/2000/svg";
  const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  function toDate(day) { return new Date(day * DAY_MS); }
  function toDay(date) { return Math.floor(date.getTime() / DAY_MS); }
  function iso(day) { return toDate(day).toISOString().slice(0, 10); }
  function pretty(day) {
    const d = toDate(day);
    return `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
  }

  // Tick steps from a day to a decade; the first that gives at most ~9 ticks is used.
  const STEPS = [
    ["day", 1], ["day", 2], ["week", 1], ["week", 2], ["month", 1], ["month", 3],
    ["month", 6], ["year", 1], ["year", 2], ["year", 5], ["year", 10], ["year", 25],
  ];
  const APPROX = { day: 1, week: 7, month: 30.44, year: 365.25 };

  function ticks(start, end) {
    const span = end - start;
    let [unit, n] = STEPS[STEPS.length - 1];
    for (const [u, k] of STEPS) {
      if (span / (APPROX[u] * k) <= 9) { unit = u; n = k; break; }
    }
    const out = [];
    const s = toDate(Math.floor(start));
    let d;
    if (unit === "day") d = new Date(Date.UTC(s.getUTCFullYear(), s.getUTCMonth(), s.getUTCDate()));
    else if (unit === "week") {
      d = new Date(Date.UTC(s.getUTCFullYear(), s.getUTCMonth(), s.getUTCDate()));
      d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7)); // back to Monday
    } else if (unit === "month") {
      d = new Date(Date.UTC(s.getUTCFullYear(), s.getUTCMonth() - (s.getUTCMonth() % n), 1));
    } else {
      d = new Date(Date.UTC(s.getUTCFullYear() - (s.getUTCFullYear() % n), 0, 1));
    }
    while (toDay(d) <= end && out.length < 200) {
      const day = toDay(d);
      let label;
      if (unit === "year") label = String(d.getUTCFullYear());
      else if (unit === "month") label = `${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
      else label = `${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]}` + (d.getUTCMonth() === 0 && d.getUTCDate() <= 7 * n || out.length === 0 ? ` ${d.getUTCFullYear()}` : "");
      if (day >= start) out.push([day, label]);
      if (unit === "day") d.setUTCDate(d.getUTCDate() + n);
      else if (unit === "week") d.setUTCDate(d.getUTCDate() + 7 * n);
      else if (unit === "month") d.setUTCMonth(d.getUTCMonth() + n);
      else d.setUTCFullYear(d.getUTCFullYear() + n);
    }
    return out;
  }

  function setup(svg) {
    const gutter = Number(svg.dataset.gutter);
    const width = Number(svg.dataset.plotWidth);
    const axisHeight = Number(svg.dataset.axisHeight);
    const height = Number(svg.dataset.height);
    const full = [Number(svg.dataset.start), Number(svg.dataset.end)];
    const items = Array.from(svg.querySelectorAll(".tl-item"));
    const axis = svg.querySelector("#timeline-axis");
    const spanLabel = document.getElementById("timeline-span");
    let view = full.slice();

    const params = new URLSearchParams(location.search);
    const wanted = /^(\d{4}-\d{2}-\d{2})\.\.(\d{4}-\d{2}-\d{2})$/.exec(params.get("view") || "");
    if (wanted) {
      const a = toDay(new Date(wanted[1])), b = toDay(new Date(wanted[2]));
      if (b - a >= MIN_SPAN) view = [a, b];
    }

    function xOf(day) { return gutter + (day - view[0]) / (view[1] - view[0]) * width; }

    function draw() {
      const scale = width / (view[1] - view[0]);
      for (const item of items) {
        const day = Number(item.dataset.day), days = Number(item.dataset.days);
        const rect = item.firstElementChild;
        const w = Math.max(10, days * scale);
        const x = days > 1 ? xOf(day) : xOf(day + 0.5) - w / 2;
        rect.setAttribute("x", x.toFixed(2));
        rect.setAttribute("width", w.toFixed(2));
      }
      axis.replaceChildren();
      for (const [day, label] of ticks(view[0], view[1])) {
        const x = xOf(day);
        const line = document.createElementNS(SVG_NS, "line");
        line.setAttribute("x1", x); line.setAttribute("x2", x);
        line.setAttribute("y1", axisHeight - 6); line.setAttribute("y2", height);
        const text = document.createElementNS(SVG_NS, "text");
        text.setAttribute("x", x + 4); text.setAttribute("y", axisHeight - 12);
        text.textContent = label;
        axis.append(line, text);
      }
      const days = Math.round(view[1] - view[0]);
      spanLabel.textContent = `${pretty(Math.floor(view[0]))} – ${pretty(Math.floor(view[1]))} (${days.toLocaleString("en")} days)`;
      svg.dataset.viewStart = iso(Math.floor(view[0]));
      svg.dataset.viewEnd = iso(Math.floor(view[1]));
    }

    let urlTimer = null;
    function remember() {
      clearTimeout(urlTimer);
      urlTimer = setTimeout(() => {
        const p = new URLSearchParams(location.search);
        p.set("view", `${svg.dataset.viewStart}..${svg.dataset.viewEnd}`);
        history.replaceState(history.state, "", `${location.pathname}?${p}`);
      }, 250);
    }

    function zoom(factor, center) {
      const span = view[1] - view[0];
      const next = Math.min(MAX_SPAN, Math.max(MIN_SPAN, span * factor));
      const c = center === undefined ? (view[0] + view[1]) / 2 : center;
      const t = (c - view[0]) / span;
      view = [c - t * next, c - t * next + next];
      draw(); remember();
    }

    function unitsPerPixel() {
      const box = svg.viewBox.baseVal;
      return box.width / svg.getBoundingClientRect().width;
    }

    function dayAt(clientX) {
      const x = (clientX - svg.getBoundingClientRect().left) * unitsPerPixel();
      return view[0] + (x - gutter) / width * (view[1] - view[0]);
    }

    document.querySelectorAll("[data-zoom]").forEach((button) => {
      button.addEventListener("click", () => {
        const how = button.dataset.zoom;
        if (how === "in") zoom(0.5);
        else if (how === "out") zoom(2);
        else { view = full.slice(); draw(); remember(); }
      });
    });

    svg.addEventListener("wheel", (event) => {
      event.preventDefault();
      zoom(event.deltaY < 0 ? 0.8 : 1.25, dayAt(event.clientX));
    }, { passive: false });

    let drag = null;
    let suppressClick = false;
    svg.addEventListener("click", (event) => {
      if (suppressClick) { event.preventDefault(); event.stopPropagation(); }
    }, { capture: true });
    svg.addEventListener("pointerdown", (event) => {
      if (event.button !== 0) return;
      drag = { x: event.clientX, view: view.slice(), moved: false };
    });
    window.addEventListener("pointermove", (event) => {
      if (!drag) return;
      const dx = event.clientX - drag.x;
      if (Math.abs(dx) > 3) drag.moved = true;
      if (!drag.moved) return;
      const shift = dx * unitsPerPixel() / width * (drag.view[1] - drag.view[0]);
      view = [drag.view[0] - shift, drag.view[1] - shift];
      svg.classList.add("dragging");
      draw();
    });
    window.addEventListener("pointerup", () => {
      if (drag && drag.moved) {
        remember();
        // The click that ends a drag must not open the item under the pointer.
        suppressClick = true;
        setTimeout(() => { suppressClick = false; }, 0);
      }
      drag = null;
      svg.classList.remove("dragging");
    });

    svg.setAttribute("tabindex", "0");
    svg.addEventListener("keydown", (event) => {
      const step = (view[1] - view[0]) / 5;
      if (event.key === "+" || event.key === "=") zoom(0.5);
      else if (event.key === "-") zoom(2);
      else if (event.key === "ArrowLeft") { view = [view[0] - step, view[1] - step]; draw(); remember(); }
      else if (event.key === "ArrowRight") { view = [view[0] + step, view[1] + step]; draw(); remember(); }
      else return;
      event.preventDefault();
    });

    draw();
  }

  document.addEventListener("DOMContentLoaded", () => {
    const svg = document.getElementById("timeline");
    if (svg) setup(svg);
    const group = document.getElementById("group");
    if (group) group.addEventListener("change", () => group.form.submit());
  });
})();
