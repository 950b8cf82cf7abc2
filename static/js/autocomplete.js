/*
 * The autocomplete of qms.core.widgets (people, actions): progressive enhancement of a short <select> (the chosen
 * option(s) only) and a text box. Without this script the text box is a search the form resolves on submit; with
 * it, the text box becomes an ARIA 1.2 combobox (list autocomplete) over a JSON search, and the <select> is hidden
 * but still carries the value(s) posted with the form.
 *
 * The JSON answer: {"results": [{"id": "12", "text": "Label", "detail": "second line"}], "more": false}.
 * Keyboard: Down/Up move in the list (Down opens it), Enter chooses, Escape closes (or restores the choice), Tab
 * leaves. No framework, no build step. Included once per widget; the guard below makes it run once.
 */
(function () {
  "use strict";
  if (window.qmsAutocomplete) {
    return;
  }
  var MIN_CHARS = 2;
  var DELAY_MS = 200;
  var counter = 0;

  function enhance(root) {
    if (root.dataset.enhanced === "true") {
      return;
    }
    root.dataset.enhanced = "true";
    var select = root.querySelector("[data-autocomplete-select]");
    var input = root.querySelector("[data-autocomplete-input]");
    var listbox = root.querySelector("[data-autocomplete-listbox]");
    var status = root.querySelector("[data-autocomplete-status]");
    var chips = root.querySelector("[data-autocomplete-chips]");
    var multiple = root.dataset.multiple === "true";
    var labels = {};
    try {
      labels = JSON.parse(root.dataset.labels || "{}");
    } catch (error) {
      labels = {};
    }
    var url = root.dataset.url;
    var results = [];
    var active = -1;
    var timer = null;
    var latest = 0;
    counter += 1;
    var prefix = (listbox.id || "qms-autocomplete-" + counter) + "-option-";

    // The text box posts nothing any more: the hidden <select> carries the choice.
    input.removeAttribute("name");
    input.value = "";
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listbox.id);
    select.hidden = true;
    select.tabIndex = -1;
    select.setAttribute("aria-hidden", "true");

    function selectedOptions() {
      return Array.prototype.filter.call(select.options, function (option) {
        return option.selected && option.value !== "";
      });
    }

    function showChoice() {
      if (!multiple) {
        var chosen = selectedOptions()[0];
        input.value = chosen ? chosen.textContent.trim() : "";
        return;
      }
      chips.innerHTML = "";
      var chosenOptions = selectedOptions();
      chips.hidden = chosenOptions.length === 0;
      chosenOptions.forEach(function (option) {
        var item = document.createElement("li");
        item.className = "list-inline-item mb-1";
        var button = document.createElement("button");
        button.type = "button";
        button.className = "btn btn-sm btn-outline-secondary";
        button.textContent = option.textContent.trim() + " ×";
        button.setAttribute("aria-label", (labels.remove || "Remove") + " " + option.textContent.trim());
        button.addEventListener("click", function () {
          option.selected = false;
          showChoice();
          input.focus();
        });
        item.appendChild(button);
        chips.appendChild(item);
      });
    }

    function announce(text) {
      if (status) {
        status.textContent = text;
      }
    }

    function close() {
      listbox.hidden = true;
      listbox.innerHTML = "";
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      results = [];
      active = -1;
    }

    function setActive(index) {
      var options = listbox.querySelectorAll("[role=option]");
      if (!options.length) {
        return;
      }
      active = (index + options.length) % options.length;
      options.forEach(function (option, position) {
        var on = position === active;
        option.setAttribute("aria-selected", on ? "true" : "false");
        option.classList.toggle("active", on);
      });
      input.setAttribute("aria-activedescendant", options[active].id);
      options[active].scrollIntoView({ block: "nearest" });
    }

    function choose(index) {
      var item = results[index];
      if (!item) {
        return;
      }
      var value = String(item.id);
      var option = Array.prototype.find.call(select.options, function (candidate) {
        return candidate.value === value;
      });
      if (!option) {
        option = new Option(item.text, value);
        select.appendChild(option);
      }
      if (!multiple) {
        Array.prototype.forEach.call(select.options, function (candidate) {
          candidate.selected = false;
        });
      }
      option.selected = true;
      select.dispatchEvent(new Event("change", { bubbles: true }));
      close();
      showChoice();
      announce(item.text);
      if (multiple) {
        input.value = "";
      }
    }

    function render(data) {
      var chosen = multiple
        ? selectedOptions().map(function (option) {
            return option.value;
          })
        : [];
      results = (data.results || []).filter(function (item) {
        return chosen.indexOf(String(item.id)) === -1;
      });
      listbox.innerHTML = "";
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (!results.length) {
        var empty = document.createElement("li");
        empty.className = "list-group-item text-body-secondary";
        empty.textContent = labels.none || "No match.";
        listbox.appendChild(empty);
        announce(labels.none || "No match.");
      }
      results.forEach(function (item, index) {
        var option = document.createElement("li");
        option.id = prefix + index;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.className = "list-group-item list-group-item-action";
        option.style.cursor = "pointer";
        var text = document.createElement("span");
        text.textContent = item.text;
        option.appendChild(text);
        if (item.detail) {
          var detail = document.createElement("small");
          detail.className = "d-block text-body-secondary";
          detail.textContent = item.detail;
          option.appendChild(detail);
        }
        // mousedown would blur the text box before the click: keep the focus where it is.
        option.addEventListener("mousedown", function (event) {
          event.preventDefault();
        });
        option.addEventListener("click", function () {
          choose(index);
          input.focus();
        });
        listbox.appendChild(option);
      });
      if (data.more) {
        var more = document.createElement("li");
        more.className = "list-group-item small text-body-secondary";
        more.textContent = labels.more || "";
        listbox.appendChild(more);
      }
      if (results.length) {
        announce((labels.count || "") + " " + results.length + (data.more ? "+" : ""));
      }
      listbox.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function search() {
      var query = input.value.trim();
      if (query.length < MIN_CHARS) {
        close();
        return;
      }
      latest += 1;
      var ticket = latest;
      var address = url + (url.indexOf("?") === -1 ? "?" : "&") + "q=" + encodeURIComponent(query);
      fetch(address, { headers: { Accept: "application/json" }, credentials: "same-origin" })
        .then(function (response) {
          if (!response.ok) {
            throw new Error(String(response.status));
          }
          return response.json();
        })
        .then(function (data) {
          // An older answer arriving after a newer one is dropped.
          if (ticket === latest && document.activeElement === input) {
            render(data);
          }
        })
        .catch(function () {
          if (ticket === latest) {
            close();
            announce(labels.error || "");
          }
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(search, DELAY_MS);
    });

    input.addEventListener("keydown", function (event) {
      var open = !listbox.hidden && results.length > 0;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (open) {
          setActive(active + 1);
        } else {
          search();
        }
      } else if (event.key === "ArrowUp") {
        if (open) {
          event.preventDefault();
          setActive(active - 1);
        }
      } else if (event.key === "Enter") {
        // Enter chooses in an open list; it never submits the form from the text box.
        event.preventDefault();
        if (open && active >= 0) {
          choose(active);
        }
      } else if (event.key === "Escape") {
        if (!listbox.hidden) {
          event.preventDefault();
          close();
        } else if (!multiple) {
          showChoice();
        }
      } else if (event.key === "Tab") {
        close();
      }
    });

    input.addEventListener("blur", function () {
      window.clearTimeout(timer);
      close();
      if (!multiple) {
        // An emptied box clears the choice (when the field allows none); a half-typed name restores it.
        if (input.value.trim() === "" && select.querySelector("option[value='']")) {
          select.value = "";
        }
        showChoice();
      }
    });

    showChoice();
  }

  function enhanceAll(scope) {
    (scope || document).querySelectorAll("[data-autocomplete]").forEach(enhance);
  }

  window.qmsAutocomplete = { enhance: enhance, enhanceAll: enhanceAll };
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () {
      enhanceAll(document);
    });
  } else {
    enhanceAll(document);
  }
})();
