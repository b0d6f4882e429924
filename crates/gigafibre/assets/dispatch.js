// The dispatch board: drag a job onto a technician's row at a time (or
// back onto the unassigned column), the server says yes or why not; a
// refused block snaps back. A change feed redraws the board when another
// dispatcher moves something. The map shows home bases, the day's jobs
// coloured by status and each technician's route.

const STATUS_COLOURS = {
  unscheduled: "#6b7785",
  scheduled: "#1d5fbf",
  en_route: "#c2570c",
  on_site: "#6d28d9",
  done: "#15803d",
  cancelled: "#b91c1c",
  not_completed: "#b91c1c",
};
// One colour per technician's route, in turn.
const ROUTE_COLOURS = ["#1d5fbf", "#0f766e", "#9333ea", "#c2410c", "#be123c", "#4d7c0f", "#0369a1", "#a16207"];
const SNAP_MINUTES = 15;
const POLL_MS = 5000;

const live = () => document.getElementById("board-live");
let dragging = null;

function toast(text) {
  const box = document.getElementById("dispatch-toast");
  box.textContent = text;
  box.hidden = !text;
}

function hhmm(minute) {
  const h = String(Math.floor(minute / 60)).padStart(2, "0");
  const m = String(minute % 60).padStart(2, "0");
  return `${h}:${m}`;
}

/** The minute of the day under the pointer on a lane, snapped. */
function minuteAt(lane, clientX) {
  const board = live();
  const start = Number(board.dataset.axisStart);
  const ppm = Number(board.dataset.ppm);
  const x = clientX - lane.getBoundingClientRect().left;
  const minute = start + x / ppm;
  return Math.max(0, Math.round(minute / SNAP_MINUTES) * SNAP_MINUTES);
}

async function send(job, fields) {
  const board = live();
  const body = new URLSearchParams({ csrf: board.dataset.csrf, version: job.dataset.version, back: board.dataset.query, ...fields });
  const response = await fetch(`/ops/dispatch/jobs/${job.dataset.job}/place`, {
    method: "POST",
    headers: { Accept: "application/json", "Content-Type": "application/x-www-form-urlencoded" },
    body,
    credentials: "same-origin",
  });
  let answer = {};
  try { answer = await response.json(); } catch { answer = { ok: false, reason: response.statusText }; }
  return answer;
}

/** Puts the block back where it was, marked refused. */
function snapBack(moved) {
  const { element, parent, next, style } = moved;
  parent.insertBefore(element, next);
  element.setAttribute("style", style ?? "");
  element.classList.add("refused");
  setTimeout(() => element.classList.remove("refused"), 2500);
}

async function drop(target, clientX) {
  const moved = dragging;
  dragging = null;
  if (!moved) return;
  moved.element.classList.remove("dragging");
  let fields;
  if (target.dataset.drop === "unassign") {
    if (!moved.element.closest(".lane")) return;
    fields = { technician: "", day: "" };
    target.prepend(moved.element);
    moved.element.removeAttribute("style");
  } else {
    const minute = minuteAt(target, clientX);
    const ppm = Number(live().dataset.ppm);
    const duration = Number(moved.element.dataset.duration) ||
      Number(moved.element.dataset.end) - Number(moved.element.dataset.start) || 60;
    fields = { technician: target.dataset.technician, day: new URLSearchParams(live().dataset.query).get("day"), start: hhmm(minute) };
    moved.element.style.position = "absolute";
    moved.element.style.left = `${(minute - Number(live().dataset.axisStart)) * ppm}px`;
    moved.element.style.width = `${duration * ppm}px`;
    target.append(moved.element);
  }
  moved.element.setAttribute("aria-busy", "true");
  const answer = await send(moved.element, fields);
  moved.element.removeAttribute("aria-busy");
  if (answer.ok) {
    toast("");
    await refresh(true);
  } else {
    snapBack(moved);
    toast(answer.reason);
    if (answer.stale) await refresh(true);
  }
}

document.addEventListener("dragstart", (event) => {
  const element = event.target.closest?.("[data-job][draggable]");
  if (!element) return;
  dragging = { element, parent: element.parentNode, next: element.nextSibling, style: element.getAttribute("style") };
  element.classList.add("dragging");
  event.dataTransfer.effectAllowed = "move";
  event.dataTransfer.setData("text/plain", element.dataset.job);
});
document.addEventListener("dragend", () => {
  if (dragging) dragging.element.classList.remove("dragging");
  document.querySelectorAll(".drop-target").forEach((el) => el.classList.remove("drop-target"));
});
document.addEventListener("dragover", (event) => {
  const target = event.target.closest?.(".lane, [data-drop=unassign]");
  if (!target || !dragging) return;
  event.preventDefault();
  event.dataTransfer.dropEffect = "move";
  document.querySelectorAll(".drop-target").forEach((el) => el !== target && el.classList.remove("drop-target"));
  target.classList.add("drop-target");
});
document.addEventListener("drop", (event) => {
  const target = event.target.closest?.(".lane, [data-drop=unassign]");
  if (!target || !dragging) return;
  event.preventDefault();
  target.classList.remove("drop-target");
  drop(target, event.clientX);
});

/** Asks the change feed for the board; redraws it if it changed. */
async function refresh(force) {
  const board = live();
  if (!board || (dragging && !force)) return;
  const digest = force ? "" : board.dataset.digest;
  const response = await fetch(`${board.dataset.feed}&digest=${encodeURIComponent(digest)}`, { credentials: "same-origin" });
  if (response.status !== 200) return;
  const html = await response.text();
  const scroll = board.querySelector(".board-scroll");
  const [top, left] = [scroll?.scrollTop ?? 0, scroll?.scrollLeft ?? 0];
  const holder = document.createElement("div");
  holder.innerHTML = html;
  const fresh = holder.firstElementChild;
  board.replaceWith(fresh);
  const again = fresh.querySelector(".board-scroll");
  if (again) { again.scrollTop = top; again.scrollLeft = left; }
  drawMap();
}
setInterval(() => refresh(false).catch(() => {}), POLL_MS);

// The map: Leaflet from npm; tiles only when a tile server is set.
let map = null;
let layer = null;
function drawMap() {
  const box = document.getElementById("dispatch-map");
  const L = window.L;
  if (!box || !L) return;
  const data = JSON.parse(live().dataset.map || "{}");
  if (!map) {
    // A first view (greater Montréal) so that markers are drawn as they are added.
    map = L.map(box, { zoomControl: true, attributionControl: Boolean(box.dataset.tiles) }).setView([45.55, -73.65], 9);
    if (box.dataset.tiles) {
      L.tileLayer(box.dataset.tiles, { maxZoom: 18, attribution: box.dataset.attribution }).addTo(map);
    }
    layer = L.layerGroup().addTo(map);
  }
  layer.clearLayers();
  const bounds = [];
  for (const [index, route] of (data.routes ?? []).entries()) {
    L.polyline(route.points, {
      color: route.proposed ? "#8a5a00" : ROUTE_COLOURS[index % ROUTE_COLOURS.length],
      weight: route.proposed ? 2 : 3,
      opacity: 0.7,
      dashArray: route.proposed ? "6 6" : null,
    }).bindTooltip(route.technician).addTo(layer);
  }
  for (const home of data.homes ?? []) {
    const at = [home.lat, home.lon];
    bounds.push(at);
    L.circleMarker(at, { radius: 5, color: "#1c2530", fillColor: "#1c2530", fillOpacity: 1, weight: 1 })
      .bindTooltip(home.name).addTo(layer);
  }
  for (const job of data.jobs ?? []) {
    const at = [job.lat, job.lon];
    bounds.push(at);
    const colour = STATUS_COLOURS[job.status] ?? "#6b7785";
    const marker = L.circleMarker(at, { radius: 7, color: "#fff", weight: 2, fillColor: colour, fillOpacity: 0.95 });
    marker.bindTooltip(job.label);
    marker.on("click", () => { window.location.href = job.href; });
    marker.addTo(layer);
    marker.getElement()?.setAttribute("data-job-marker", job.id);
  }
  if (bounds.length && !map._fitted) {
    map.fitBounds(bounds, { padding: [16, 16], animate: false });
    map._fitted = true;
  }
}
drawMap();
