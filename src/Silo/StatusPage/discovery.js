// Renders /api/discovery every 1.5 s. Text goes in through textContent only: instance and
// service names come from EndpointSlices and configuration, not from this page. In flight, picks
// and the share of traffic are this gateway's (its routers); the share covers the last 30 s
// (recentPicks from the API; older gateways only give counters, diffed here).
// "history" under an instance shows its transitions (who or what, when, why), operator actions included.
"use strict";
(() => {
  const refreshMs = 1500;
  const root = document.getElementById("services");
  const status = document.getElementById("status");
  const configuration = document.getElementById("configuration");
  const windowMs = 30000;
  const columns = ["instance", "conditions", "health", "circuit", "selectable", "in flight", "EWMA latency", "failures in a row", "picks", "share (last 30 s)", "why not selectable / last change"];
  // Per service: readings of the router's pick counters, oldest first, kept for the window.
  const history = new Map();
  // Instances whose transition history is open ("service/instance" -> last details fetched).
  const openHistory = new Map();

  function recentPicks(router, now) {
    if (!router) return new Map();
    // The gateway's own 30 s window: right from the first refresh, and the same for every viewer.
    if (router.recentPicks) return new Map(Object.entries(router.recentPicks));
    const readings = history.get(router.service) || [];
    readings.push({ at: now, picks: router.picks });
    while (readings.length > 1 && now - readings[1].at >= windowMs) readings.shift();
    history.set(router.service, readings);
    const oldest = readings[0];
    const recent = new Map();
    for (const [id, count] of Object.entries(router.picks)) {
      recent.set(id, count - (readings.length > 1 ? (oldest.picks[id] || 0) : 0));
    }
    return recent;
  }

  function cell(row, text, className) {
    const td = document.createElement("td");
    td.textContent = text;
    if (className) td.className = className;
    row.appendChild(td);
    return td;
  }

  function conditions(c) {
    if (c.ready) return "ready";
    if (c.serving && c.terminating) return "terminating (serving)";
    return [c.serving ? "serving" : "not serving", c.terminating ? "terminating" : "not ready"].join(", ");
  }

  // This gateway's zone/node affinity for the service and its picks per zone over the recent window.
  function localityText(locality) {
    if (!locality) return "";
    const where = locality.zone || locality.node
      ? `this gateway: zone ${locality.zone || "unknown"}${locality.zoneSource === "node" ? " (learned from its node)" : ""}, node ${locality.node || "unknown"}`
      : "this gateway knows neither its zone nor its node";
    const recent = locality.zones.reduce((sum, z) => sum + z.recentPicks, 0);
    const zones = locality.zones
      .map(z => `${z.zone}${z.local ? " (local)" : ""} ${z.selectable}/${z.instances} selectable, ${recent === 0 ? 0 : (100 * z.recentPicks / recent).toFixed(1)} %`)
      .join("; ");
    // Without a zone or node of its own the reason only repeats that.
    const why = locality.zone || locality.node ? `: ${locality.reason}` : "";
    return `zone affinity: ${where} · routing to ${locality.tier === "all" ? "every zone" : `its ${locality.tier}`}${why} · picks in the last ${locality.recentSeconds.toFixed(0)} s by zone: ${zones || "none yet"}`;
  }

  // The fleet's retry budget (service grain, all gateways and clients) and this gateway's side of it.
  function retryBudgetText(fleet, local) {
    const parts = [];
    if (fleet && !fleet.enabled) return "retry budget: off";
    if (fleet) {
      parts.push(`retry budget (fleet, ${fleet.windowSeconds} s window, ${fleet.ratio} × requests + ${fleet.minRetriesPerSecond}/s): ${fleet.retries} retries of ${fleet.requests} requests, ${fleet.remaining} left, ${fleet.reporters} router(s)`);
    }
    if (local && local.mode !== "off") {
      parts.push(`this gateway (${local.mode}): ${local.remaining.toFixed(0)} left, ${local.allowed} allowed, ${local.refused} refused`);
    }
    return parts.join(" · ");
  }

  function circuitText(state) {
    return state === "halfOpen" ? "half-open" : state;
  }

  // Fleet-wide controls (issue 12): a panic, or instances the ejection cap keeps routable.
  function fleetBanner(snapshot) {
    const panic = snapshot.panic && snapshot.panic !== "none";
    if (!panic && !(snapshot.cappedInstances > 0)) {
      return null;
    }
    const banner = document.createElement("div");
    banner.className = panic ? "banner panic" : "banner capped";
    banner.dataset.field = "fleet-banner";
    // The reason starts with "panic: " and names the mode; the banner says PANIC once.
    const mode = snapshot.panic === "failFast" ? "failing fast" : "routing to all instances";
    const reason = (snapshot.panicReason || "").replace(/^panic: /, "");
    banner.textContent = panic
      ? `PANIC: ${reason || mode}`
      : `${snapshot.panicReason || ""} (${snapshot.ejectedInstances} failing, limit ${snapshot.ejectionLimit})`;
    return banner;
  }

  function renderService(snapshot, router, now) {
    const section = document.createElement("section");
    section.dataset.service = snapshot.service;
    const title = document.createElement("h2");
    title.textContent = snapshot.service;
    section.appendChild(title);
    const meta = document.createElement("div");
    meta.className = "meta";
    const sources = snapshot.sources.map(s => `${s.source} ${s.generation ? `g${s.generation} ` : ""}v${s.version} (${s.endpointCount} endpoints, synced ${s.ageSeconds.toFixed(0)} s ago)`).join("; ");
    const selectable = snapshot.instances.filter(i => i.selectable).length;
    const age = router && router.snapshotAgeSeconds != null ? `routing snapshot v${router.version}, ${router.snapshotAgeSeconds.toFixed(1)} s old` : "no routing snapshot in this gateway";
    meta.textContent = `${snapshot.algorithm} · ${selectable} of ${snapshot.instances.length} selectable · ${age} · sources: ${sources || "none"}`;
    section.appendChild(meta);
    const banner = fleetBanner(snapshot);
    if (banner) {
      section.appendChild(banner);
    }
    if (router && router.controlPlaneError) {
      const problem = document.createElement("div");
      problem.className = "problem";
      problem.textContent = `control plane unreachable, routing from the last snapshot: ${router.controlPlaneError}`;
      section.appendChild(problem);
    }
    const locality = localityText(router && router.locality);
    if (locality) {
      const line = document.createElement("div");
      line.className = router.locality.tier === "all" && (router.locality.zone || router.locality.node) ? "detail problem" : "detail";
      line.dataset.field = "zone-affinity";
      line.textContent = locality;
      section.appendChild(line);
    }
    const budget = retryBudgetText(snapshot.retryBudget, router && router.retryBudget);
    if (budget) {
      const line = document.createElement("div");
      line.className = "detail";
      line.dataset.field = "retry-budget";
      line.textContent = budget;
      section.appendChild(line);
    }
    for (const s of snapshot.sources.filter(s => s.problem)) {
      const problem = document.createElement("div");
      problem.className = "problem";
      problem.textContent = `${s.source}: ${s.problem}`;
      section.appendChild(problem);
    }

    const table = document.createElement("table");
    const head = table.createTHead().insertRow();
    for (const name of columns) {
      const th = document.createElement("th");
      th.textContent = name;
      head.appendChild(th);
    }
    const body = table.createTBody();
    const recent = recentPicks(router, now);
    const total = [...recent.values()].reduce((sum, n) => sum + n, 0);
    for (const i of snapshot.instances) {
      const row = body.insertRow();
      row.dataset.instance = i.instanceId;
      const name = cell(row, "");
      const label = document.createElement("span");
      label.className = "name";
      label.textContent = i.targetName ? `${i.instanceId} (${i.targetName})` : i.instanceId;
      name.appendChild(label);
      const key = `${snapshot.service}/${i.instanceId}`;
      const toggle = document.createElement("button");
      toggle.className = "history";
      toggle.textContent = openHistory.has(key) ? "hide history" : "history";
      toggle.addEventListener("click", () => {
        if (openHistory.has(key)) openHistory.delete(key); else openHistory.set(key, null);
        refreshNow();
      });
      name.appendChild(toggle);
      cell(row, conditions(i.conditions));
      cell(row, i.health, i.health);
      cell(row, circuitText(i.circuit), i.circuit).dataset.field = "circuit";
      cell(row, i.selectable ? "yes" : "no", i.selectable ? "yes" : "no");
      cell(row, String(router && router.inFlight[i.instanceId] || 0), "num");
      cell(row, `${i.ewmaLatencyMs.toFixed(1)} ms`, "num");
      cell(row, String(i.consecutiveFailures), "num");
      const picks = router && router.picks[i.instanceId] || 0;
      cell(row, String(picks), "num");
      const share = total === 0 ? 0 : (recent.get(i.instanceId) || 0) / total;
      const shareCell = cell(row, "", "num");
      const bar = document.createElement("span");
      bar.className = "bar";
      bar.style.width = `${Math.round(share * 60)}px`;
      shareCell.appendChild(bar);
      shareCell.appendChild(document.createTextNode(`${(share * 100).toFixed(1)} %`));
      const ramp = i.slowStartPercent != null ? `slow start: ${i.slowStartPercent.toFixed(0)} % of its weight` : "";
      const quorum = snapshot.breakerQuorum > 1 ? `reporters: ${i.activeReporters} (breaker quorum ${snapshot.breakerQuorum})` : "";
      const pinned = i.override && i.override.action === "pin" ? `pinned by ${i.override.by}: ${i.override.reason}` : "";
      const reason = [quorum, pinned || i.notSelectableReason || i.lastChangeReason || ""].filter(t => t).join("; ");
      const why = cell(row, ramp && reason ? `${ramp}; ${reason}` : ramp || reason, i.override ? "override" : "");
      why.dataset.field = "reason";
      if (openHistory.has(key)) renderHistory(body, openHistory.get(key));
    }
    section.appendChild(table);
    return section;
  }

  function renderHistory(body, details) {
    const row = body.insertRow();
    row.className = "history";
    const td = cell(row, "");
    td.colSpan = columns.length;
    if (!details) { td.textContent = "loading history…"; return; }
    if (details.history.length === 0) { td.textContent = "no transitions recorded"; return; }
    const list = document.createElement("ol");
    for (const t of [...details.history].reverse()) {
      const item = document.createElement("li");
      item.textContent = `${utc(t.at)} · ${t.what} · by ${t.by || "unknown"} · ${t.reason}`;
      list.appendChild(item);
    }
    td.appendChild(list);
  }

  function utc(iso) {
    return iso ? `${new Date(iso).toISOString().slice(0, 19).replace("T", " ")} UTC` : "start-up";
  }

  // A rejected reload of config.yaml: the gateway keeps the last good configuration, say which.
  function renderConfiguration(state) {
    const failure = state && state.reloadFailure;
    configuration.hidden = !failure;
    configuration.textContent = failure
      ? `configuration reload failed at ${utc(failure.at)}: ${failure.reason}; serving the configuration from ${utc(state.loadedAt)}`
      : "";
  }

  // Versions are 64-bit (a source's generation and resourceVersion, a snapshot's counter); a JS number
  // holds 53 bits exactly, so an integer past that keeps the digits the gateway sent, as a string.
  function exactIntegers(key, value, context) {
    return typeof value === "number" && !Number.isSafeInteger(value) && Number.isInteger(value) && context && /^-?\d+$/.test(context.source)
      ? context.source
      : value;
  }

  async function getJson(url) {
    const response = await fetch(url, { cache: "no-store" });
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    return JSON.parse(await response.text(), exactIntegers);
  }

  // One refresh at a time; a click during one asks for another right after it.
  let timer;
  let running = false;
  let again = false;
  async function refresh() {
    if (running) { again = true; return; }
    running = true;
    try {
      const list = await getJson("api/discovery/services");
      renderConfiguration(list.configuration);
      const [snapshots, routers] = await Promise.all([
        Promise.all(list.services.map(s => getJson(`api/discovery/services/${encodeURIComponent(s.name)}`))),
        getJson("api/discovery/routers"),
      ]);
      const byService = new Map(routers.map(r => [r.service, r]));
      await Promise.all([...openHistory.keys()].map(async key => {
        const [service, ...rest] = key.split("/");
        const instance = rest.join("/");
        try {
          openHistory.set(key, await getJson(`api/discovery/services/${encodeURIComponent(service)}/instances/${encodeURIComponent(instance)}`));
        } catch {
          openHistory.delete(key);
        }
      }));
      const now = Date.now();
      root.replaceChildren(...snapshots.map(s => renderService(s, byService.get(s.service), now)));
      status.className = "status";
      status.textContent = `${snapshots.length} services · updated ${new Date().toLocaleTimeString()}`;
    } catch (error) {
      status.className = "status error";
      status.textContent = `update failed: ${error.message}; showing the last data`;
    } finally {
      running = false;
      clearTimeout(timer);
      timer = setTimeout(refresh, again ? 0 : refreshMs);
      again = false;
    }
  }

  function refreshNow() {
    clearTimeout(timer);
    refresh();
  }

  refresh();
})();
