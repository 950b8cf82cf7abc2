/* The progress page of a stored report (qms.core.reports): asks for the report's state every few seconds and
   updates the page in place, so that the live region announces the change and focus stays where it is.
   Without this script the page reloads itself (a <meta http-equiv="refresh"> inside <noscript>). */
(function () {
  "use strict";
  var card = document.querySelector("[data-report][data-in-flight]");
  if (!card) {
    return;
  }
  var url = card.getAttribute("data-state-url");
  var delay = Math.max(1, parseInt(card.getAttribute("data-refresh"), 10) || 2) * 1000;
  var status = document.getElementById("report-status");
  var badge = status.querySelector(".badge");
  var message = document.getElementById("report-message");
  var error = document.getElementById("report-error");
  var spinner = status.querySelector(".spinner-border");
  var download = document.getElementById("report-download");
  var retry = document.getElementById("report-retry");
  var refresh = document.getElementById("report-refresh");
  var current = status.getAttribute("data-report-status");

  function show(element, visible) {
    if (!element) {
      return;
    }
    element.hidden = !visible;
    element.classList.toggle("d-none", !visible);
  }

  function update(state) {
    if (state.state === current) {
      return;
    }
    current = state.state;
    status.setAttribute("data-report-status", state.state);
    badge.className = "badge text-bg-" + state.badge;
    badge.setAttribute("data-status", state.state);
    badge.textContent = state.label;
    message.textContent = state.message;
    error.textContent = state.error || "";
    show(error, Boolean(state.error));
    if (!state.in_flight) {
      show(spinner, false);
      show(refresh, false);
      if (state.download_url) {
        download.setAttribute("href", state.download_url);
        show(download, true);
      }
      show(retry, true);
      card.removeAttribute("data-in-flight");
    }
  }

  function poll() {
    fetch(url, {headers: {Accept: "application/json"}, credentials: "same-origin", cache: "no-store"})
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (state) {
        update(state);
        if (state.in_flight) {
          window.setTimeout(poll, delay);
        }
      })
      .catch(function () {
        // A network hiccup: try again, a little later.
        window.setTimeout(poll, delay * 2);
      });
  }

  window.setTimeout(poll, delay);
})();
