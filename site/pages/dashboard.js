// The release health dashboard (dashboard/index.html): reads this site's own Worker, GET
// /api/plugins/<slug>/stats/?from=&to= with the admin token the person enters, and
// /plugins/<slug>/releases.json for statuses and rollout targets; draws them with Chart.js,
// copied into this folder by the build (nothing is loaded from another origin). Each chart has
// its numbers in a table beside it. The token is kept in sessionStorage: this tab only.
/* global Chart */

const TOKEN_KEY = "feedwright-admin-token";
const COLORS = ["#1d4ed8", "#059669", "#d97706", "#7c3aed", "#db2777", "#0891b2", "#65a30d", "#dc2626", "#4b5563"];
const HEALTH_COLORS = { healthy: "#059669", outdated: "#d97706", error: "#dc2626" };
const KIND_COLORS = { auto_update: "#1d4ed8", manual: "#7c3aed" };
const charts = new Map();

const $ = (id) => document.getElementById(id);
const day = (date) => date.toISOString().slice(0, 10);

function setStatus(text, isError) {
  $("status").textContent = text;
  $("status").className = isError ? "error" : "";
}

/** A table from a header row and rows; every cell as text (never HTML). */
function fillTable(section, header, rows) {
  const table = document.createElement("table");
  const head = table.createTHead().insertRow();
  for (const cell of header) {
    const th = document.createElement("th");
    th.textContent = String(cell);
    head.append(th);
  }
  const body = table.createTBody();
  for (const row of rows) {
    const tr = body.insertRow();
    for (const cell of row) tr.insertCell().textContent = String(cell);
  }
  const holder = $(section).querySelector(".numbers");
  holder.replaceChildren(table);
}

function draw(section, config) {
  charts.get(section)?.destroy();
  const canvas = $(section).querySelector("canvas");
  config.options = { responsive: true, maintainAspectRatio: false, animation: false, ...config.options };
  charts.set(section, new Chart(canvas, config));
}

function compareVersions(a, b) {
  return a.localeCompare(b, "en", { numeric: true });
}

function render(stats, releases) {
  const days = stats.history ? stats.history.days : [];
  const summary = [
    ["Sites", stats.installations],
    ["Healthy", stats.health.healthy ?? 0],
    ["Outdated", stats.health.outdated ?? 0],
    ["Error", stats.health.error ?? 0],
    ["Downloads", stats.downloads.total],
  ];
  $("summary").replaceChildren(
    ...summary.map(([label, value]) => {
      const item = document.createElement("li");
      const strong = document.createElement("strong");
      strong.textContent = String(value);
      item.append(strong, label);
      item.dataset.figure = label.toLowerCase();
      return item;
    }),
  );

  // Adoption: sites on each version at the end of each day.
  const versions = [...new Set(days.flatMap((entry) => Object.keys(entry.versions)))].sort(compareVersions);
  draw("adoption", {
    type: "line",
    data: {
      labels: days.map((entry) => entry.day),
      datasets: versions.map((version, index) => ({
        label: version,
        data: days.map((entry) => entry.versions[version] ?? 0),
        borderColor: COLORS[index % COLORS.length],
        backgroundColor: COLORS[index % COLORS.length],
        tension: 0.2,
      })),
    },
    options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
  fillTable(
    "adoption",
    ["day", ...versions],
    days.map((entry) => [entry.day, ...versions.map((version) => entry.versions[version] ?? 0)]),
  );

  // Health by version, now.
  const healthVersions = Object.keys(stats.health_by_version).sort(compareVersions).reverse();
  const healths = ["healthy", "outdated", "error"];
  draw("health", {
    type: "bar",
    data: {
      labels: healthVersions,
      datasets: healths.map((health) => ({
        label: health,
        data: healthVersions.map((version) => stats.health_by_version[version][health] ?? 0),
        backgroundColor: HEALTH_COLORS[health],
      })),
    },
    options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } },
  });
  fillTable(
    "health",
    ["version", ...healths],
    healthVersions.map((version) => [
      version,
      ...healths.map((health) => stats.health_by_version[version][health] ?? 0),
    ]),
  );

  // Downloads by day and kind.
  const kinds = ["auto_update", "manual"];
  draw("downloads", {
    type: "bar",
    data: {
      labels: days.map((entry) => entry.day),
      datasets: kinds.map((kind) => ({
        label: kind,
        data: days.map((entry) => entry.downloads.by_kind[kind] ?? 0),
        backgroundColor: KIND_COLORS[kind],
      })),
    },
    options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } },
  });
  fillTable(
    "downloads",
    ["day", ...kinds],
    days.map((entry) => [entry.day, ...kinds.map((kind) => entry.downloads.by_kind[kind] ?? 0)]),
  );

  // The latest stable release: the share of sites on it against its rollout target.
  const latest = releases.latest.stable;
  const release = releases.releases.find((candidate) => candidate.version === latest);
  const onLatest = latest ? (stats.versions[latest] ?? 0) : 0;
  const share = stats.installations > 0 ? Math.round((onLatest / stats.installations) * 1000) / 10 : 0;
  const target = release ? release.rollout : 0;
  draw("rollout", {
    type: "bar",
    data: {
      labels: [latest ?? "none"],
      datasets: [
        { label: "sites on it (%)", data: [share], backgroundColor: COLORS[0] },
        { label: "rollout target (%)", data: [target], backgroundColor: COLORS[8] },
      ],
    },
    options: { indexAxis: "y", scales: { x: { min: 0, max: 100 } } },
  });
  fillTable(
    "rollout",
    ["version", "sites on it", "share %", "target %"],
    [[latest ?? "none", onLatest, share, target]],
  );

  renderGuard(stats.rollouts ?? []);

  // Deprecated releases and the sites still on them.
  const deprecated = releases.releases
    .filter((candidate) => candidate.status === "deprecated")
    .map((candidate) => candidate.version)
    .sort(compareVersions);
  draw("deprecated", {
    type: "bar",
    data: {
      labels: deprecated,
      datasets: [
        { label: "sites", data: deprecated.map((version) => stats.versions[version] ?? 0), backgroundColor: COLORS[7] },
      ],
    },
    options: { scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } },
  });
  fillTable(
    "deprecated",
    ["version", "sites"],
    deprecated.map((version) => [version, stats.versions[version] ?? 0]),
  );
  $("figures").hidden = false;
}

/**
 * Releases rolled out to part of the sites (and any a person or a guard halted): the error
 * share on each against the release before it and what its guard allows, and where each stands.
 */
function renderGuard(rollouts) {
  const halted = rollouts.filter((rollout) => rollout.state === "halted");
  $("guard-state").textContent =
    rollouts.length === 0
      ? "No release is rolling out to part of the sites."
      : halted.length > 0
        ? `Halted: ${halted.map((rollout) => rollout.version).join(", ")}. Resume with feedwright rollout resume, or raise rollout in a pull request.`
        : "Every partial rollout is running.";
  $("guard-state").className = halted.length > 0 ? "state-halted" : "muted";
  const share = (part, whole) => (whole > 0 ? Math.round((part * 1000) / whole) / 10 : 0);
  const labels = rollouts.map((rollout) => rollout.version);
  draw("guard", {
    type: "bar",
    data: {
      labels,
      datasets: [
        {
          label: "error share on it (%)",
          data: rollouts.map((rollout) => share(rollout.figures.errors, rollout.figures.sites)),
          backgroundColor: HEALTH_COLORS.error,
        },
        {
          label: "error share before it (%)",
          data: rollouts.map((rollout) => share(rollout.figures.baseline_errors, rollout.figures.baseline_sites)),
          backgroundColor: COLORS[8],
        },
        {
          label: "guard allows (%)",
          data: rollouts.map((rollout) =>
            rollout.guard
              ? Math.min(
                  100,
                  share(rollout.figures.baseline_errors, rollout.figures.baseline_sites) +
                    rollout.guard.max_error_rise_points,
                )
              : null,
          ),
          backgroundColor: COLORS[2],
        },
      ],
    },
    options: { scales: { y: { beginAtZero: true, max: 100 } } },
  });
  fillTable(
    "guard",
    ["version", "rollout %", "state", "sites on it", "errors", "compared with", "why"],
    rollouts.map((rollout) => [
      rollout.version,
      rollout.rollout,
      rollout.halt ? `${rollout.state} (by ${rollout.halt.by})` : rollout.state,
      rollout.figures.sites,
      rollout.figures.errors,
      rollout.guard ? (rollout.guard.baseline ?? "none") : "no guard",
      rollout.halt ? rollout.halt.reason : (rollout.events[0]?.reason ?? rollout.judgement?.summary ?? ""),
    ]),
  );
}

async function show(event) {
  event?.preventDefault();
  const slug = $("slug").value;
  const token = $("token").value.trim();
  if (!token) {
    setStatus("Enter the admin token.", true);
    return;
  }
  sessionStorage.setItem(TOKEN_KEY, token);
  const query = new URLSearchParams({ from: $("from").value, to: $("to").value });
  setStatus("Loading…", false);
  try {
    const [statsResponse, releasesResponse] = await Promise.all([
      fetch(`/api/plugins/${encodeURIComponent(slug)}/stats/?${query}`, {
        headers: { authorization: `Bearer ${token}` },
        cache: "no-store",
        credentials: "omit",
      }),
      fetch(`/plugins/${encodeURIComponent(slug)}/releases.json`, { credentials: "omit" }),
    ]);
    const stats = await statsResponse.json();
    if (!statsResponse.ok) {
      setStatus(`The Worker answered ${statsResponse.status}: ${stats.error ? stats.error.message : "an error"}`, true);
      return;
    }
    if (!releasesResponse.ok) {
      setStatus(`releases.json answered ${releasesResponse.status}`, true);
      return;
    }
    render(stats, await releasesResponse.json());
    setStatus(`Figures at ${stats.generated_at}.`, false);
  } catch (error) {
    setStatus(`Could not read the figures: ${error instanceof Error ? error.message : String(error)}`, true);
  }
}

const today = new Date();
$("to").value = day(today);
$("from").value = day(new Date(today.getTime() - 29 * 86_400_000));
$("token").value = sessionStorage.getItem(TOKEN_KEY) ?? "";
$("query").addEventListener("submit", show);
