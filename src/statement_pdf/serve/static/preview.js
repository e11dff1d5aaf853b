// Keeps an open page of `statement-pdf serve` up to date without reloading it.
// The server says what changed (a document, a statement) and its version; the page fetches that
// part again as HTML the server escaped, and swaps it in. No statement text is ever assembled
// into markup here.
"use strict";

const meta = (name) => document.querySelector(`meta[name="${name}"]`).content;
const session = meta("statement-pdf-session");

function selectorFor(event) {
  if (event.type === "document") {
    return `[data-document="${CSS.escape(event.statement + "/" + event.key)}"]`;
  }
  if (event.type === "statement") {
    return `[data-statement="${CSS.escape(event.statement)}"]`;
  }
  return null;
}

async function refresh(element) {
  const response = await fetch(element.dataset.fragment, { cache: "no-store" });
  if (!response.ok) return;
  const template = document.createElement("template");
  template.innerHTML = (await response.text()).trim();
  const fresh = template.content.firstElementChild;
  // Two events close together: keep whichever answer is newer.
  if (element.isConnected && Number(fresh.dataset.version) >= Number(element.dataset.version)) {
    element.replaceWith(fresh);
  }
}

function refreshAll() {
  document.querySelectorAll("[data-fragment]").forEach(refresh);
}

function showConnection(state, text) {
  const indicator = document.getElementById("connection");
  indicator.dataset.state = state;
  indicator.textContent = text;
}

function listen() {
  const events = new EventSource("/events");
  events.onopen = () => showConnection("live", "live");
  events.onerror = () => showConnection("lost", "reconnecting…");
  events.onmessage = (message) => {
    const event = JSON.parse(message.data);
    if (event.type === "hello") {
      if (event.session !== session) {
        location.reload(); // another server: this page's token and versions are not its own
      } else {
        // news may have been missed: while the connection was down, or, on the first
        // connection, between the server writing this page and the page subscribing
        refreshAll();
      }
      return;
    }
    if (event.type === "statement") checkReviewedFile(event.statement);
    const selector = selectorFor(event);
    if (!selector) return;
    document.querySelectorAll(selector).forEach((element) => {
      if (Number(element.dataset.version) < event.version) refresh(element);
    });
  };
}

async function post(button) {
  const status = button.parentElement.querySelector(".post-status");
  const response = await fetch(button.dataset.post, {
    method: "POST",
    headers: { [meta("statement-pdf-token-header")]: meta("statement-pdf-token") },
  });
  if (status) status.textContent = response.ok ? "asked to render again" : await response.text();
}

// Translation review: each change is sent with the version of the file the page holds; the
// server refuses it if the file has changed since, and answers the new version (and row).
let changing = 0;

// A save by someone else (or by the author) makes this page's version of the file old: say so
// now, rather than when the translator's next save is refused.
async function checkReviewedFile(statement) {
  const review = document.querySelector(`[data-review][data-statement-id="${CSS.escape(statement)}"]`);
  if (!review || changing) return;
  const response = await fetch(`${review.dataset.review}/version`, { cache: "no-store" });
  if (!response.ok || changing) return;
  const { sha256 } = await response.json();
  review.querySelector(".changed-on-disk").hidden = sha256 === review.dataset.base;
}

async function reviewChange(button) {
  changing += 1;
  try {
    await sendReviewChange(button);
  } finally {
    changing -= 1;
  }
}

async function sendReviewChange(button) {
  const review = button.closest("[data-review]");
  const row = button.closest("[data-key]");
  const action = button.dataset.reviewAction;
  const status = (row || review).querySelector(".post-status");
  const change = { base: review.dataset.base };
  if (row) change.key = row.dataset.key;
  if (action === "block") change.text = row.querySelector("textarea").value;
  status.dataset.state = "saving";
  status.textContent = "saving…";
  const response = await fetch(`${review.dataset.review}/${action}`, {
    method: "POST",
    headers: { "content-type": "application/json",
               [meta("statement-pdf-token-header")]: meta("statement-pdf-token") },
    body: JSON.stringify(change),
  });
  const text = await response.text();
  let answer;
  try { answer = JSON.parse(text); } catch { answer = { error: text }; }
  if (!response.ok) {
    status.dataset.state = "refused";
    status.textContent = answer.error;
    return;
  }
  review.dataset.base = answer.sha256;
  if (!answer.html) {
    location.reload(); // the whole translation changed status
    return;
  }
  const template = document.createElement("template");
  template.innerHTML = answer.html.trim();
  const fresh = template.content.firstElementChild;
  row.replaceWith(fresh);
  const saved = fresh.querySelector(".post-status");
  saved.dataset.state = "saved";
  saved.textContent = action === "block" ? "saved" : "recorded as up to date";
}

document.addEventListener("click", (click) => {
  const button = click.target.closest("button[data-post]");
  if (button) post(button);
  const change = click.target.closest("button[data-review-action]");
  if (change) reviewChange(change);
});
listen();
