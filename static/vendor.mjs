// Copies the front-end files Troopwatch serves from node_modules into static/vendor.
// Run by `npm run vendor` (the Makefile does it after `npm ci`); static/vendor is not committed.
import { copyFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const modules = join(here, "..", "node_modules");
const target = join(here, "vendor");

// [source inside node_modules, file name under static/vendor]
const files = [
  ["htmx.org/dist/htmx.min.js", "htmx.min.js"],
  ["leaflet/dist/leaflet.js", "leaflet.js"],
  ["leaflet/dist/leaflet.css", "leaflet.css"],
  ["topojson-client/dist/topojson-client.min.js", "topojson-client.min.js"],
  ["world-atlas/countries-50m.json", "countries-50m.json"],
];

mkdirSync(target, { recursive: true });
for (const [source, name] of files) {
  copyFileSync(join(modules, source), join(target, name));
}
console.log(`vendored ${files.length} file(s) into static/vendor`);
