// Cascading region picker: province → regency/city → district → village.
//
// Drives the markup of portal.regions.forms.RegionPickerWidget (templates/regions/
// region_picker.html): a <div data-region-picker data-children-url="…"> holding one
// <select data-region-level="N"> per level. When a level changes, the deeper ones are
// emptied and the next one is filled with the children of the chosen region, fetched as
// JSON from data-children-url (?parent=<code>). Each <select> becomes searchable with
// TomSelect when it is loaded. Without this script the form still works: the server draws
// the option lists of the chosen chain, one level per submit.
//
// When a list cannot be loaded (the connection dropped, the server answered with an error),
// the picker says so in its [data-region-picker-error] box, drawn hidden by the template in
// the page's language, whose "Try again" button asks again for the same level.
//
// Loaded from static/ with the page's CSP nonce, after tom-select (templates/base.html); no
// inline script or style. The pickers' selects carry no data-searchable, so portal.js leaves
// them alone. Works for pickers added later by htmx (htmx:afterSwap).
(function () {
  "use strict";
  if (window.sinergiRegionPicker) return; // loaded twice: one set of listeners is enough
  window.sinergiRegionPicker = true;

  var cache = {}; // children URL → Promise of [{code, name}]

  function children(url, code) {
    var key = url + (url.indexOf("?") === -1 ? "?" : "&") + "parent=" + encodeURIComponent(code);
    if (!cache[key]) {
      cache[key] = fetch(key, {
        credentials: "same-origin",
        headers: { Accept: "application/json", "X-Requested-With": "XMLHttpRequest" },
      })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.json();
        })
        .then(function (data) { return data.results || []; });
      cache[key].catch(function () { delete cache[key]; });
    }
    return cache[key];
  }

  function levelSelects(picker) {
    return Array.prototype.slice
      .call(picker.querySelectorAll("select[data-region-level]"))
      .sort(function (a, b) {
        return Number(a.getAttribute("data-region-level")) - Number(b.getAttribute("data-region-level"));
      });
  }

  function searchable(select) {
    if (typeof TomSelect === "undefined" || select.tomselect) return;
    var ts = new TomSelect(select, {
      allowEmptyOption: true,
      create: false,
      // Every option: a regency/city can have more than 50 districts, a district many villages.
      maxOptions: null,
    });
    // A list closes when the focus leaves it. Tom Select closes it on blur only while the
    // document reports focus (document.hasFocus()); otherwise an open list stayed over the
    // next level on a phone (seen in the browser tests on a busy machine).
    ts.wrapper.addEventListener("focusout", function (event) {
      if (ts.isOpen && !ts.wrapper.contains(event.relatedTarget)) ts.close();
    });
  }

  // Replace the options of `select` by the empty one and `items`, nothing chosen. The
  // TomSelect of the list, if any, is kept (its label and ARIA links stay) and re-read.
  function fill(select, items) {
    var empty = select.querySelector('option[value=""]');
    var emptyLabel = empty ? empty.textContent : "";
    while (select.firstChild) select.removeChild(select.firstChild);
    select.appendChild(new Option(emptyLabel, ""));
    items.forEach(function (item) { select.appendChild(new Option(item.name, item.code)); });
    select.value = "";
    var ts = select.tomselect;
    if (ts) {
      ts.clear(true);
      ts.clearOptions();
      ts.sync();
      ts.refreshOptions(false);
    } else {
      searchable(select);
    }
  }

  function retryButton(picker) {
    return picker.querySelector("[data-region-picker-retry]");
  }

  function showError(picker, select) {
    var box = picker.querySelector("[data-region-picker-error]");
    if (!box) return;
    picker.regionPickerFailed = select;
    retryButton(picker).removeAttribute("aria-disabled");
    box.hidden = false;
  }

  // After a retry that worked, the focus (on the retry button, about to disappear) goes to
  // the list just filled, without opening it over the fields below.
  function hideError(picker, focusTarget) {
    var box = picker.querySelector("[data-region-picker-error]");
    var hadFocus = box && box.contains(document.activeElement);
    picker.regionPickerFailed = null;
    if (box) box.hidden = true;
    if (hadFocus && focusTarget) {
      var ts = focusTarget.tomselect;
      if (ts) {
        ts.ignoreFocus = true;
        ts.control_input.focus();
        ts.ignoreFocus = false;
      } else {
        focusTarget.focus();
      }
    }
  }

  function onLevelChange(select) {
    var picker = select.closest("[data-region-picker]");
    if (!picker) return;
    var selects = levelSelects(picker);
    var index = selects.indexOf(select);
    var deeper = selects.slice(index + 1);
    if (!deeper.length) return;
    deeper.forEach(function (s) {
      s.removeAttribute("aria-busy");
      fill(s, []);
    });
    // A later change wins over an answer still on its way.
    var ticket = (picker.regionPickerTicket || 0) + 1;
    picker.regionPickerTicket = ticket;
    picker.removeAttribute("aria-busy");
    if (!select.value) {
      hideError(picker);
      return;
    }
    var next = deeper[0];
    next.setAttribute("aria-busy", "true");
    picker.setAttribute("aria-busy", "true");
    children(picker.getAttribute("data-children-url"), select.value)
      .then(function (items) {
        if (picker.regionPickerTicket !== ticket) return;
        fill(next, items);
        hideError(picker, next);
      })
      .catch(function (error) {
        if (picker.regionPickerTicket !== ticket) return;
        if (window.console) console.warn("region picker: could not load regions", error);
        showError(picker, select);
      })
      .then(function () {
        if (picker.regionPickerTicket !== ticket) return;
        next.removeAttribute("aria-busy");
        picker.removeAttribute("aria-busy");
      });
  }

  function init(root) {
    (root || document).querySelectorAll("[data-region-picker]").forEach(function (picker) {
      levelSelects(picker).forEach(searchable);
    });
  }

  // TomSelect passes the change on to the original <select>, so one listener serves both.
  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target && target.matches && target.matches("[data-region-picker] select[data-region-level]")) {
      onLevelChange(target);
    }
  });
  document.addEventListener("click", function (event) {
    var retry = event.target.closest && event.target.closest("[data-region-picker-retry]");
    if (!retry) return;
    var picker = retry.closest("[data-region-picker]");
    var select = picker && picker.regionPickerFailed;
    if (!select || retry.getAttribute("aria-disabled") === "true") return;
    // Busy until the answer (not `disabled`, which would take the focus away from it).
    retry.setAttribute("aria-disabled", "true");
    onLevelChange(select);
  });
  document.addEventListener("htmx:afterSwap", function () { init(document); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
})();
