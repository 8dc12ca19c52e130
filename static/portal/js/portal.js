// Sinergi page behaviour. Loaded from static/ (CSP: no inline scripts).
(function () {
  "use strict";

  function initSearchableSelects(root) {
    if (typeof TomSelect === "undefined") return;
    root.querySelectorAll("select[data-searchable]").forEach(function (el) {
      if (el.tomselect) return;
      new TomSelect(el, { maxOptions: 500, allowEmptyOption: true, create: false });
    });
  }

  // Forms that need a second thought carry data-confirm="question": static/portal/js/forms.js.

  document.addEventListener("DOMContentLoaded", function () { initSearchableSelects(document); });
  document.addEventListener("htmx:afterSwap", function (e) { initSearchableSelects(e.target); });
})();
