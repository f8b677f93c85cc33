// Reports per day along the slider: binning (pure) and an SVG drawn with DOM calls.
import { dayNumber, formatDay, isoDay } from "./state.js";

const SVG = "http://www.w3.org/2000/svg";

/** Reports per day from first to last, one number per day, zero where none. */
export function binByDay(days, first, last) {
  const start = dayNumber(first);
  const counts = new Array(Math.max(dayNumber(last) - start + 1, 1)).fill(0);
  for (const { date, reports } of days) {
    const i = dayNumber(date) - start;
    if (i >= 0 && i < counts.length) counts[i] += reports;
  }
  return counts;
}

function el(name, attrs) {
  const node = document.createElementNS(SVG, name);
  for (const [key, value] of Object.entries(attrs)) node.setAttribute(key, String(value));
  return node;
}

/** Draw bars into `svg`; returns a function that shades the window [startIndex, endIndex]. */
export function drawHistogram(svg, counts, first, onPick) {
  const height = 40;
  const max = Math.max(1, ...counts);
  svg.replaceChildren();
  svg.setAttribute("viewBox", `0 0 ${counts.length} ${height}`);
  svg.setAttribute("preserveAspectRatio", "none");
  const shade = el("rect", { class: "histogram-window", x: 0, y: 0, width: 0, height });
  svg.append(shade);
  const start = dayNumber(first);
  counts.forEach((count, i) => {
    if (!count) return;
    const h = Math.max(2, (count / max) * height);
    const bar = el("rect", { class: "histogram-bar", x: i + 0.1, y: height - h, width: 0.8, height: h });
    const title = document.createElementNS(SVG, "title");
    title.textContent = `${formatDay(isoDay(start + i))}: ${count} report${count === 1 ? "" : "s"}`;
    bar.append(title);
    bar.addEventListener("click", () => onPick(isoDay(start + i)));
    svg.append(bar);
  });
  return (from, to) => {
    const a = Math.max(0, from);
    shade.setAttribute("x", String(a));
    shade.setAttribute("width", String(Math.max(0, to - a + 1)));
  };
}
