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
  let connectedBefore = false;
  events.onopen = () => showConnection("live", "live");
  events.onerror = () => showConnection("lost", "reconnecting…");
  events.onmessage = (message) => {
    const event = JSON.parse(message.data);
    if (event.type === "hello") {
      if (event.session !== session) {
        location.reload(); // another server: this page's token and versions are not its own
      } else if (connectedBefore) {
        refreshAll(); // news may have been missed while the connection was down
      }
      connectedBefore = true;
      return;
    }
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

document.addEventListener("click", (click) => {
  const button = click.target.closest("button[data-post]");
  if (button) post(button);
});
listen();
