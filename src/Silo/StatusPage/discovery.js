// Renders /api/discovery every 1.5 s. Text goes in through textContent only: instance and
// service names come from EndpointSlices and configuration, not from this page.
"use strict";
(() => {
  const refreshMs = 1500;
  const root = document.getElementById("services");
  const status = document.getElementById("status");
  const columns = ["instance", "conditions", "health", "circuit", "selectable", "in flight", "EWMA latency", "failures in a row", "selections", "share of traffic", "why not selectable / last change"];

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

  function circuitText(state) {
    return state === "halfOpen" ? "half-open" : state;
  }

  function renderService(snapshot) {
    const section = document.createElement("section");
    section.dataset.service = snapshot.service;
    const title = document.createElement("h2");
    title.textContent = snapshot.service;
    section.appendChild(title);
    const meta = document.createElement("div");
    meta.className = "meta";
    const sources = snapshot.sources.map(s => `${s.source} ${s.generation ? `g${s.generation} ` : ""}v${s.version} (${s.endpointCount} endpoints, synced ${s.ageSeconds.toFixed(0)} s ago)`).join("; ");
    const selectable = snapshot.instances.filter(i => i.selectable).length;
    meta.textContent = `${snapshot.algorithm} · ${selectable} of ${snapshot.instances.length} selectable · ${snapshot.selectionsServed} selections · sources: ${sources || "none"}`;
    section.appendChild(meta);
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
    const total = snapshot.instances.reduce((sum, i) => sum + i.selectionsServed, 0);
    for (const i of snapshot.instances) {
      const row = body.insertRow();
      row.dataset.instance = i.instanceId;
      cell(row, i.targetName ? `${i.instanceId} (${i.targetName})` : i.instanceId);
      cell(row, conditions(i.conditions));
      cell(row, i.health, i.health);
      cell(row, circuitText(i.circuit), i.circuit).dataset.field = "circuit";
      cell(row, i.selectable ? "yes" : "no", i.selectable ? "yes" : "no");
      cell(row, String(i.inFlight), "num");
      cell(row, `${i.ewmaLatencyMs.toFixed(1)} ms`, "num");
      cell(row, String(i.consecutiveFailures), "num");
      cell(row, String(i.selectionsServed), "num");
      const share = total === 0 ? 0 : i.selectionsServed / total;
      const shareCell = cell(row, "", "num");
      const bar = document.createElement("span");
      bar.className = "bar";
      bar.style.width = `${Math.round(share * 60)}px`;
      shareCell.appendChild(bar);
      shareCell.appendChild(document.createTextNode(`${(share * 100).toFixed(1)} %`));
      cell(row, i.notSelectableReason || i.lastChangeReason || "");
    }
    section.appendChild(table);
    return section;
  }

  async function getJson(url) {
    const response = await fetch(url, { cache: "no-store" });
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    return response.json();
  }

  async function refresh() {
    try {
      const list = await getJson("api/discovery/services");
      const snapshots = await Promise.all(list.services.map(s => getJson(`api/discovery/services/${encodeURIComponent(s.name)}`)));
      root.replaceChildren(...snapshots.map(renderService));
      status.className = "status";
      status.textContent = `${snapshots.length} services · updated ${new Date().toLocaleTimeString()}`;
    } catch (error) {
      status.className = "status error";
      status.textContent = `update failed: ${error.message}; showing the last data`;
    } finally {
      setTimeout(refresh, refreshMs);
    }
  }

  refresh();
})();
