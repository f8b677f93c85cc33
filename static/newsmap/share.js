// The "Share / embed" dialog: the permalink of the current view and the iframe code that shows it.
//
// Markup (templates/map.html): #share-open (a button, hidden until this module wires it) and
// #share-dialog, a <dialog> with data-page-url and data-embed-url (the map's and the embed's paths),
// #share-link, #share-code, radios named "share-size" (values "WIDTHxHEIGHT"), buttons with
// data-copy="<id of the field>" and #share-status, a polite live region for "Copied".
import { formatDay } from "./state.js";

const DEFAULT_SIZE = "800x600";

/** Quote text for an HTML attribute value in double quotes. */
function attribute(text) {
  return String(text)
    .replaceAll("&", "&amp;")
    .replaceAll('"', "&quot;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;");
}

/** The iframe code of an embed URL at a size; the title names the date for screen readers. */
export function iframeCode(src, size, date) {
  const [width, height] = size.split("x");
  const day = formatDay(date, true);
  const title = day ? `Newsmap: front-line map on ${day}` : "Newsmap: front-line map";
  return (
    `<iframe src="${attribute(src)}" width="${attribute(width)}" height="${attribute(height)}" ` +
    `title="${attribute(title)}" loading="lazy"></iframe>`
  );
}

function chosenSize(dialog) {
  const checked = dialog.querySelector('input[name="share-size"]:checked');
  return checked && /^[0-9]+x[0-9]+$/.test(checked.value) ? checked.value : DEFAULT_SIZE;
}

/** Say something in the live region; cleared first so the same words are announced again. */
function announce(status, text) {
  if (!status) return;
  status.textContent = "";
  window.setTimeout(() => {
    status.textContent = text;
  }, 50);
}

/** Copy a field's text; where the clipboard is refused, select the text for the reader to copy. */
async function copyField(field, status, what) {
  try {
    if (!navigator.clipboard) throw new Error("no clipboard");
    await navigator.clipboard.writeText(field.value);
    announce(status, `Copied the ${what}.`);
  } catch {
    field.focus();
    field.select();
    announce(status, `Selected the ${what}: press Ctrl+C (or ⌘C) to copy.`);
  }
}

/**
 * Wire the dialog if the page has one; `currentQuery` returns the query string ("?date=…") of the
 * view on screen, read each time the dialog opens or the size changes.
 */
export function setupShare(currentQuery) {
  const dialog = document.getElementById("share-dialog");
  const opener = document.getElementById("share-open");
  if (!dialog || !opener || typeof dialog.showModal !== "function") return;
  const link = document.getElementById("share-link");
  const code = document.getElementById("share-code");
  const status = document.getElementById("share-status");

  function fill() {
    const query = currentQuery();
    const date = new URLSearchParams(query).get("date");
    link.value = new URL(dialog.dataset.pageUrl + query, window.location.href).href;
    const src = new URL(dialog.dataset.embedUrl + query, window.location.href).href;
    code.value = iframeCode(src, chosenSize(dialog), date);
  }

  opener.hidden = false;
  opener.addEventListener("click", () => {
    fill();
    if (status) status.textContent = "";
    dialog.showModal();
    link.focus();
    link.select();
  });
  dialog.addEventListener("change", (event) => {
    if (event.target.name === "share-size") fill();
  });
  dialog.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest("button[data-copy]");
    if (button) copyField(document.getElementById(button.dataset.copy), status, button.dataset.what);
  });
  // Back to the button that opened it, unless focus is already somewhere else: the "close"
  // event comes a task later, by when the browser may have restored focus itself and the
  // reader (or a test) moved on to the slider, which must keep it.
  dialog.addEventListener("close", () => {
    const at = document.activeElement;
    if (!at || at === document.body || dialog.contains(at)) opener.focus();
  });
}
