// The emulator's inspector (served by emulator/src/ui.rs). Polls GET /_emulator/ui/state once a
// second with the admin key (x-api-key) and renders it. Data is only ever put in the page as
// text (textContent), never as HTML. The key lives in this tab's sessionStorage; a link may
// carry it in its fragment (#key=...), which browsers never send and which is removed at once.
"use strict";

const POLL_MS = 1000;
const MAX_REQUEST_ROWS = 300;
const MAX_EVENT_ROWS = 2000; // a run's first events; the API lists the rest
const STORAGE = "twin-emulator-key";

const $ = (id) => document.getElementById(id);

let key = null;
let timer = null;
let lastRequest = 0;
let selectedRun = null;
let lastEventIndex = null;
const shown = {}; // section -> the JSON text last rendered there

// --- small DOM helpers --------------------------------------------------------------------

function el(tag, props, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "text") node.textContent = value;
    else if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

function short(id) {
  return id ? String(id).slice(-8) : "";
}

function clock(iso) {
  if (!iso) return "";
  const d = new Date(iso);
  if (isNaN(d)) return iso;
  return d.toISOString().slice(11, 23);
}

// Re-renders a section only when its data changed, keeping the keyboard focus on the element
// with the same data-key.
function renderIfChanged(section, data, render) {
  const text = JSON.stringify(data);
  if (shown[section] === text) return;
  shown[section] = text;
  const focused = document.activeElement && document.activeElement.dataset.key;
  render(data);
  if (focused) {
    const again = document.querySelector(`[data-key="${CSS.escape(focused)}"]`);
    if (again) again.focus();
  }
}

// --- login --------------------------------------------------------------------------------

function showLogin(message) {
  key = null;
  stop();
  $("app").hidden = true;
  $("logout").hidden = true;
  $("login").hidden = false;
  $("login-error").textContent = message || "";
  $("live").textContent = "not connected";
  $("key").focus();
}

function start(newKey) {
  key = newKey;
  sessionStorage.setItem(STORAGE, key);
  $("login").hidden = true;
  $("app").hidden = false;
  $("logout").hidden = false;
  poll();
}

function stop() {
  if (timer) clearTimeout(timer);
  timer = null;
}

function logout() {
  sessionStorage.removeItem(STORAGE);
  key = null;
  showLogin("");
}

// --- fetching -----------------------------------------------------------------------------

async function admin(method, path, body) {
  const headers = { "x-api-key": key };
  if (body !== undefined) headers["content-type"] = "application/json";
  return fetch(path, { method, headers, body, cache: "no-store" });
}

let inFlight = false;
let pollAgain = false;

// One poll at a time: a poll asked for while one is running happens right after it.
async function poll() {
  if (inFlight) {
    pollAgain = true;
    return;
  }
  inFlight = true;
  try {
    await pollOnce();
  } finally {
    inFlight = false;
  }
  stop();
  if (pollAgain) {
    pollAgain = false;
    poll();
  } else if (key) {
    timer = setTimeout(poll, POLL_MS);
  }
}

async function pollOnce() {
  const query = new URLSearchParams({ requests_after: String(lastRequest) });
  if (selectedRun && $("events").childElementCount < MAX_EVENT_ROWS) {
    query.set("run", selectedRun);
    if (lastEventIndex !== null) query.set("events_after", String(lastEventIndex));
  }
  try {
    const resp = await admin("GET", "/_emulator/ui/state?" + query);
    if (resp.status === 401) {
      sessionStorage.removeItem(STORAGE);
      showLogin("That is not the emulator's admin key.");
      return;
    }
    if (!resp.ok) throw new Error(`state answered ${resp.status}`);
    render(await resp.json());
    $("live").textContent = "live · updated " + new Date().toTimeString().slice(0, 8);
    $("live").className = "ok";
  } catch (e) {
    $("live").textContent = "connection lost, retrying (" + e.message + ")";
    $("live").className = "error";
  }
}

function render(state) {
  renderIfChanged("agents", state.agents, renderAgents);
  renderIfChanged("runs", state.runs, renderRuns);
  $("runs-count").textContent = state.runs_total ? `(${state.runs_total})` : "";
  renderIfChanged("deliveries", state.deliveries, renderDeliveries);
  $("deliveries-count").textContent = state.deliveries_total ? `(${state.deliveries_total})` : "";
  renderIfChanged("faults", state.faults, renderFaults);
  renderRequests(state.requests);
  if (state.events && state.events.run_id === selectedRun) renderEvents(state.events);
}

// --- agents -------------------------------------------------------------------------------

function renderAgents(agents) {
  $("agents-count").textContent = agents.length ? `(${agents.length})` : "";
  const box = $("agents");
  box.replaceChildren();
  if (!agents.length) {
    box.append(el("p", { class: "empty", text: "No agents yet." }));
    return;
  }
  for (const a of agents) {
    const s = a.schedule;
    const schedule = s
      ? `schedule ${s.cron}` + (s.paused ? " (paused)" : "") +
        (s.next_run ? ", next " + new Date(s.next_run * 1000).toISOString().slice(0, 19) + "Z" : "")
      : "no schedule";
    const hooks = a.webhooks.map((w) =>
      el("li", { class: "hook" },
        el("span", { class: "badge " + (w.status === "active" ? "ok" : "muted"), text: w.status }),
        " ", el("code", { text: w.url }), " ", el("span", { class: "muted", text: w.events.join(", ") })));
    box.append(el("article", { class: "agent", "data-agent": a.agent_id },
      el("h3", {},
        el("code", { title: a.agent_id, text: a.agent_id }),
        a.name ? el("span", { class: "name", text: " " + a.name }) : null),
      el("p", { class: "muted", text:
        `${a.runs} run${a.runs === 1 ? "" : "s"}` +
        (a.latest_run_status ? `, latest ${a.latest_run_status}` : "") + ` · ${schedule}` }),
      hooks.length ? el("ul", { class: "hooks" }, ...hooks) : el("p", { class: "muted", text: "no webhooks" })));
  }
}

// --- runs and events ----------------------------------------------------------------------

function statusBadge(status) {
  const kind = { completed: "ok", in_progress: "busy", paused: "warn", error: "bad", stopped: "muted" }[status] || "muted";
  return el("span", { class: "badge " + kind, text: status });
}

function renderRuns(runs) {
  const body = $("runs").tBodies[0];
  body.replaceChildren();
  $("runs-empty").hidden = runs.length > 0;
  for (const r of runs) {
    const selected = r.run_id === selectedRun;
    body.append(el("tr", { "data-run": r.run_id, class: selected ? "selected" : null },
      el("td", {}, el("button", {
        type: "button", class: "link", "data-key": "run:" + r.run_id, title: r.run_id,
        "aria-pressed": selected ? "true" : "false", text: short(r.run_id),
        onclick: () => selectRun(r.run_id),
      })),
      el("td", {}, el("code", { title: r.agent_id, text: short(r.agent_id) })),
      el("td", { text: String(r.run_number) }),
      el("td", { class: "status" }, statusBadge(r.status)),
      el("td", { class: "outcome", text: r.outcome || "" }),
      el("td", { text: String(r.events) }),
      el("td", { text: clock(r.started_at) })));
  }
}

function selectRun(runId) {
  selectedRun = runId;
  lastEventIndex = null;
  $("events").replaceChildren();
  $("events-empty").hidden = true;
  $("events-title").textContent = "of run " + runId;
  delete shown.runs; // redraw the selection
  poll();
}

// Decodes protobuf Value trees ({"kind": {"StringValue": "x"}}) into plain JSON.
function plain(v) {
  if (Array.isArray(v)) return v.map(plain);
  if (v === null || typeof v !== "object") return v;
  const keys = Object.keys(v);
  if (keys.length === 1 && keys[0] === "kind" && v.kind && typeof v.kind === "object") {
    const [[kind, inner]] = Object.entries(v.kind).length === 1 ? Object.entries(v.kind) : [[null, null]];
    if (kind === "NullValue") return null;
    if (kind === "BoolValue" || kind === "NumberValue" || kind === "StringValue") return inner;
    if (kind === "ListValue") return (inner.values || []).map(plain);
    if (kind === "StructValue") return plain(Object.fromEntries(
      Object.entries(inner.fields || {}).map(([k, x]) => [k, plain(x)])));
  }
  return Object.fromEntries(keys.map((k) => [k, plain(v[k])]));
}

// A readable, indented view of a payload: "key: value" lines, long text cut.
function readable(v, indent = "") {
  if (v === null || v === undefined) return "–";
  if (typeof v === "string") return v.length > 400 ? v.slice(0, 400) + "…" : v;
  if (typeof v !== "object") return String(v);
  const entries = Array.isArray(v) ? v.map((x, i) => [String(i), x]) : Object.entries(v);
  if (!entries.length) return Array.isArray(v) ? "[]" : "{}";
  return entries.map(([k, x]) => {
    const inner = x !== null && typeof x === "object" && Object.keys(x).length
      ? "\n" + readable(x, indent + "  ")
      : " " + readable(x, indent + "  ");
    return `${indent}${k}:${inner}`;
  }).join("\n");
}

function eventKind(item) {
  const typed = item && item.event && item.event.event && item.event.event.event;
  const kinds = typed && typeof typed === "object" ? Object.keys(typed) : [];
  return kinds.length === 1 ? [kinds[0], typed[kinds[0]]] : ["(unknown)", typed];
}

function renderEvents(events) {
  const list = $("events");
  if (!events.found) {
    $("events-title").textContent = `of run ${events.run_id} (gone)`;
    return;
  }
  for (const item of events.items) {
    if (list.childElementCount >= MAX_EVENT_ROWS) break;
    if (lastEventIndex !== null && item.event_index <= lastEventIndex) continue;
    lastEventIndex = item.event_index;
    const [kind, payload] = eventKind(item);
    const raw = el("pre", { class: "raw" });
    const details = el("details", {},
      el("summary", { text: "raw JSON" }), raw);
    details.addEventListener("toggle", () => {
      if (details.open && !raw.textContent) raw.textContent = JSON.stringify(item, null, 2);
    });
    list.append(el("li", { class: "event", "data-kind": kind, "data-index": String(item.event_index) },
      el("div", { class: "event-head" },
        el("span", { class: "badge kind", text: kind }),
        el("span", { class: "muted", text: ` #${item.event_index} · ${clock(item.recorded_at)}` })),
      el("pre", { class: "payload", text: readable(plain(payload)) }),
      details));
  }
  const cut = list.childElementCount >= MAX_EVENT_ROWS && events.total > list.childElementCount;
  $("events-title").textContent = `of run ${events.run_id}: ${events.total} (${events.status})` +
    (cut ? `, the first ${list.childElementCount} shown` : "");
}

// --- deliveries ---------------------------------------------------------------------------

function renderDeliveries(deliveries) {
  const body = $("deliveries").tBodies[0];
  body.replaceChildren();
  $("deliveries-empty").hidden = deliveries.length > 0;
  for (const d of deliveries) {
    const receiver = d.status !== null
      ? el("span", { class: "badge " + (d.delivered ? "ok" : "bad"), text: String(d.status) })
      : el("span", { class: d.error ? "badge bad" : "badge busy", text: d.error || "pending" });
    const verified = d.verified === true ? ["ok", "verifies"]
      : d.verified === false ? ["bad", "does not verify"] : ["muted", "webhook deleted"];
    body.append(el("tr", { "data-delivery": String(d.id) },
      el("td", { text: clock(d.created_at) }),
      el("td", { class: "event-name", text: d.event }),
      el("td", {}, el("code", { text: d.url })),
      el("td", { class: "receiver" }, receiver),
      el("td", { text: String(d.attempts) }),
      el("td", { class: "signature" }, el("span", { class: "badge " + verified[0], text: verified[1] }))));
  }
}

// --- requests -----------------------------------------------------------------------------

function renderRequests(requests) {
  const body = $("requests").tBodies[0];
  for (const r of requests.items) {
    if (r.seq <= lastRequest) continue;
    lastRequest = r.seq;
    const status = r.status === null ? "dropped" : String(r.status);
    const bad = r.status === null || r.status >= 400;
    body.prepend(el("tr", { "data-seq": String(r.seq), class: r.fault ? "fault" : null },
      el("td", { text: clock(r.at) }),
      el("td", { text: r.method }),
      el("td", {}, el("code", { text: r.path })),
      el("td", { class: "status" },
        el("span", { class: "badge " + (bad ? "bad" : "ok"), text: status }),
        r.fault ? el("span", { class: "badge warn", text: "fault: " + r.fault }) : null),
      el("td", { text: String(r.ms) })));
  }
  while (body.rows.length > MAX_REQUEST_ROWS) body.deleteRow(-1);
  $("requests-count").textContent = requests.last ? `(${requests.last})` : "";
}

// --- faults -------------------------------------------------------------------------------

function renderFaults(faults) {
  const now = $("faults-now");
  now.replaceChildren();
  if (!faults.active) {
    now.append(el("p", { class: "muted", id: "faults-state", text: "No faults injected." }));
  } else {
    const counts = Object.entries(faults.stats).filter(([, n]) => n > 0)
      .map(([k, n]) => `${k} ${n}`).join(", ");
    now.append(
      el("p", { id: "faults-state" }, el("span", { class: "badge warn", text: "active" }), " ",
        el("code", { text: JSON.stringify(faults.config) })),
      el("p", { class: "muted", text: counts ? "injected so far: " + counts : "nothing injected yet" }));
  }
  const box = $("faults-json");
  if (document.activeElement !== box) box.value = faults.active ? JSON.stringify(faults.config) : "";
}

async function changeFaults(method, body) {
  const msg = $("faults-msg");
  try {
    const resp = await admin(method, "/_emulator/faults", body);
    if (resp.ok) {
      msg.textContent = method === "DELETE" ? "Faults cleared." : "Faults applied.";
      msg.className = "ok";
      delete shown.faults;
      poll();
    } else {
      const text = await resp.text();
      let detail = text;
      try { detail = JSON.parse(text).detail || text; } catch (_) { /* plain text */ }
      msg.textContent = `Refused (${resp.status}): ${detail}`;
      msg.className = "error";
    }
  } catch (e) {
    msg.textContent = "Could not reach the emulator: " + e.message;
    msg.className = "error";
  }
}

// --- start --------------------------------------------------------------------------------

document.addEventListener("DOMContentLoaded", () => {
  $("origin").textContent = location.origin;
  $("login").addEventListener("submit", (e) => {
    e.preventDefault();
    const given = $("key").value.trim();
    $("key").value = "";
    if (given) start(given);
  });
  $("logout").addEventListener("click", logout);
  $("faults-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const text = $("faults-json").value.trim();
    if (!text) return changeFaults("DELETE");
    try {
      JSON.parse(text);
    } catch (err) {
      $("faults-msg").textContent = "Not JSON: " + err.message;
      $("faults-msg").className = "error";
      return;
    }
    changeFaults("PUT", text);
  });
  $("faults-clear").addEventListener("click", () => changeFaults("DELETE"));

  // A link opened in a tab already on this page only changes the fragment.
  window.addEventListener("hashchange", () => {
    const fromLink = keyFromLink();
    if (fromLink) start(fromLink);
  });
  const saved = keyFromLink() || sessionStorage.getItem(STORAGE);
  if (saved) start(saved);
  else showLogin("");
});

// The key a link carries in its fragment (#key=...), removed from the address bar at once.
function keyFromLink() {
  const given = new URLSearchParams(location.hash.slice(1)).get("key");
  if (location.hash) history.replaceState(null, "", location.pathname + location.search);
  return given;
}
