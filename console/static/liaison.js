// bondflow console: the liaison's work queue refreshes itself while it is open (our own
// script; the page works without it: reload, or press Filter).
"use strict";
(() => {
  const table = document.querySelector("[data-refresh-seconds]");
  if (!table) {
    return;
  }
  const seconds = Number(table.dataset.refreshSeconds) || 15;
  const refresh = async () => {
    if (document.hidden) {
      return;
    }
    try {
      const response = await fetch(window.location.href, { credentials: "same-origin" });
      if (!response.ok) {
        return;
      }
      const fresh = new DOMParser().parseFromString(await response.text(), "text/html");
      const next = fresh.querySelector("#queue");
      const current = document.querySelector("#queue");
      if (next && current) {
        current.replaceWith(next);
      }
    } catch (error) {
      // offline for a moment: the next turn tries again
    }
  };
  window.setInterval(refresh, seconds * 1000);
})();
