// Popups, tooltips and labels built from DOM nodes: report text only ever enters as textContent.
import { formatDay } from "./state.js";

export const CATEGORY_LABELS = {
  isis_held: "ISIS-held",
  contested: "Contested",
  retaken: "Retaken",
  none: "No report yet",
};
export const STATUS_LABELS = {
  advance: "Advance",
  fighting: "Fighting",
  clearing: "Clearing",
  retaken: "Retaken",
  isis_held: "ISIS-held",
  mentioned: "Mentioned",
};
const CATEGORY_OF = {
  advance: "contested",
  fighting: "contested",
  clearing: "contested",
  retaken: "retaken",
  isis_held: "isis_held",
};
const PRECISION_LABELS = { 1: "exact", 2: "approximate", 3: "parent area only" };

export function categoryOf(status) {
  return CATEGORY_OF[status] || "none";
}

function node(tag, className, text) {
  const el = document.createElement(tag);
  if (className) el.className = className;
  if (text !== undefined && text !== null) el.textContent = String(text);
  return el;
}

function plural(n, word) {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

/** One line for screen readers and tooltips: "Intisar: Retaken since 1 Jan 2017, 1 report, 1 source". */
export function placeSummary(p) {
  const label = CATEGORY_LABELS[p.status] || p.status;
  if (p.status === "none") return `${p.name}: ${label}`;
  const since = p.status_since ? ` since ${formatDay(p.status_since)}` : "";
  return `${p.name}: ${label}${since}, ${plural(p.reports, "report")}, ${plural(p.sources, "source")}`;
}

function badge(category, text) {
  return node("span", `badge status-${category}`, text);
}

/** A place's popup: name, status since when, support, precision and a link to its reports. */
export function placePopup(p, options = {}) {
  const root = node("div", "popup popup-place");
  root.append(node("h3", null, p.name));
  const status = node("p");
  status.append(badge(p.status, CATEGORY_LABELS[p.status] || p.status));
  if (p.detail && categoryOf(p.detail) === "contested") status.append(` (${STATUS_LABELS[p.detail]})`);
  if (p.status_since) status.append(` since ${formatDay(p.status_since, true)}`);
  root.append(status);
  if (p.status !== "none") {
    const support = `${plural(p.reports, "report")} from ${plural(p.sources, "distinct source")}`;
    root.append(node("p", null, support + (p.sources < 2 ? " – not corroborated" : "")));
  }
  const radius = p.precision === 1 ? "" : `, within about ${Math.round(p.precision_m)} m`;
  root.append(node("p", "note", `Location: ${PRECISION_LABELS[p.precision] || "unknown"}${radius}`));
  if (options.articlesUrl) {
    const link = node("a", null, "Reports about this place");
    link.href = `${options.articlesUrl}?place=${encodeURIComponent(p.slug)}`;
    if (options.linkTarget) {
      link.target = options.linkTarget;
      link.rel = "noopener";
    }
    root.append(link);
  }
  return root;
}

/** A report's popup: headline, dates, place, status, the quoted sentence, a link to its page. */
export function reportPopup(r, options = {}) {
  const root = node("div", "popup popup-report");
  root.append(node("h3", null, r.title));
  const dates = node("p", "meta");
  dates.append(`Published ${formatDay(r.published_at.slice(0, 10))} · event ${formatDay(r.event_date)}`);
  root.append(dates);
  const where = node("p");
  where.append(node("strong", null, r.place));
  if (!r.resolved) where.append(node("span", "note", " (unresolved; drawn in its area)"));
  where.append(" ");
  where.append(badge(categoryOf(r.status), STATUS_LABELS[r.status] || r.status));
  root.append(where);
  root.append(node("blockquote", null, r.sentence));
  if (typeof r.url === "string" && r.url.startsWith("/")) {
    const link = node("a", null, "Read the report");
    link.href = r.url;
    if (options.linkTarget) {
      link.target = options.linkTarget;
      link.rel = "noopener";
    }
    root.append(link);
  }
  return root;
}

/** The panel describing the selected place, with a button to clear the selection. */
export function placeDetail(p, onClear) {
  const root = document.createDocumentFragment();
  root.append(node("h2", null, p ? p.name : "Selected place"));
  root.append(node("p", null, p ? placeSummary(p) : "No report about this place on this date."));
  const clear = node("button", "clear", "Clear selection");
  clear.type = "button";
  clear.addEventListener("click", onClear);
  root.append(clear);
  return root;
}
