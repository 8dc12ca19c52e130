// Indication report form: add person blocks, and refresh the suggested category while the
// officer ticks indicators or types a victim's age. Loaded from static/ with the page's CSP
// nonce (no inline script). Without it the form still works: one blank person block is
// always offered, and the suggestion is recomputed on every save.
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form) return;

  var prefix = "persons";
  var total = form.querySelector("input[name='" + prefix + "-TOTAL_FORMS']");
  var list = document.getElementById("person-forms");
  var template = document.getElementById("person-template");
  var addButton = document.getElementById("add-person");

  function renumber() {
    list.querySelectorAll("[data-person-number]").forEach(function (el, i) {
      el.textContent = String(i + 1);
    });
  }

  if (addButton && template && total) {
    addButton.addEventListener("click", function () {
      var index = parseInt(total.value, 10) || 0;
      var html = template.innerHTML.replace(/__prefix__/g, String(index));
      var holder = document.createElement("div");
      holder.innerHTML = html;
      var block = holder.firstElementChild;
      list.appendChild(block);
      total.value = String(index + 1);
      renumber();
      // portal.js and region-picker.js initialise what htmx swaps in; this is the same.
      block.dispatchEvent(new CustomEvent("htmx:afterSwap", { bubbles: true }));
      var first = block.querySelector("select, input:not([type=hidden])");
      if (first) first.focus();
    });
  }

  var url = form.getAttribute("data-suggest-url");
  var pending = null;
  var latest = 0; // only the answer to the latest request is shown
  function refreshSuggestion() {
    if (!url) return;
    if (pending) clearTimeout(pending);
    pending = setTimeout(function () {
      var mine = ++latest;
      fetch(url, {
        method: "POST",
        body: new FormData(form),
        credentials: "same-origin",
        headers: { "HX-Request": "true" },
      })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.text();
        })
        .then(function (html) {
          if (mine !== latest) return;
          var current = document.getElementById("suggestion");
          if (current) current.outerHTML = html;
        })
        .catch(function () { /* the suggestion is refreshed on save anyway */ });
    }, 250);
  }

  // After a refused save the page opens at the summary of its errors (static/portal/js/
  // forms.js), whose links lead to each marked field.

  form.addEventListener("change", function (event) {
    var name = event.target.name || "";
    if (
      name === "indicators" ||
      name === "occurred_at" ||
      /^persons-\d+-(role|birth_date|age|DELETE)$/.test(name)
    ) {
      refreshSuggestion();
    }
  });
})();
