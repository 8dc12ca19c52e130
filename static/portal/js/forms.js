// Forms: the confirmation of irreversible actions, and the summary of a form's errors.
//
// Confirmation (portal/core/confirm.py). A form with
// data-confirm="question" (or a submit button with it) is not sent at once: the question is
// asked in the <dialog id="confirm-dialog"> of base.html, with what the form has chosen in
// its lists, and the form is sent with confirmed=1 only after "yes". Without this script the
// server asks the same question on a page of its own. Loaded from static/ (CSP: no inline
// script); one listener for the whole document, so forms drawn later by htmx are covered.
//
// Error summary (templates/includes/error_summary.html): after a submit with errors the page
// opens at the summary, focused so that it is read out, and each of its links focuses its
// field (the searchable list drawn over a hidden <select>, the first empty level of a region
// picker) rather than only scrolling to it.
(function () {
  "use strict";
  if (window.sinergiForms) return;
  window.sinergiForms = true;

  var FIELD = "confirmed";

  function confirmedInput(form) {
    return form.querySelector('input[type=hidden][name="' + FIELD + '"]');
  }

  function markConfirmed(form) {
    var input = confirmedInput(form);
    if (!input) {
      input = document.createElement("input");
      input.type = "hidden";
      input.name = FIELD;
      form.appendChild(input);
    }
    input.value = "1";
  }

  function labelOf(control) {
    if (control.labels && control.labels.length) return control.labels[0].textContent.trim();
    return control.getAttribute("aria-label") || "";
  }

  // What the form has chosen in its lists, as the person saw it: "Outcome: Victim assisted".
  function chosen(form) {
    var rows = [];
    form.querySelectorAll("select").forEach(function (select) {
      var texts = Array.prototype.filter
        .call(select.options, function (o) { return o.selected && o.value !== ""; })
        .map(function (o) { return o.textContent.trim(); });
      var label = labelOf(select);
      if (texts.length && label) rows.push([label, texts.join(", ")]);
    });
    return rows;
  }

  function ask(form, submitter, question) {
    var dialog = document.getElementById("confirm-dialog");
    if (!dialog || typeof dialog.showModal !== "function") {
      // No dialog support: the server's confirmation page asks instead.
      return;
    }
    var yes = document.getElementById("confirm-dialog-yes");
    var note = document.getElementById("confirm-dialog-note");
    var details = document.getElementById("confirm-dialog-details");
    document.getElementById("confirm-dialog-question").textContent = question;
    var noteText = form.getAttribute("data-confirm-note");
    note.hidden = noteText === "";
    if (noteText) note.textContent = noteText;
    details.textContent = "";
    chosen(form).forEach(function (row) {
      var dt = document.createElement("dt");
      dt.className = "col-5";
      dt.textContent = row[0];
      var dd = document.createElement("dd");
      dd.className = "col-7";
      dd.textContent = row[1];
      details.appendChild(dt);
      details.appendChild(dd);
    });
    var label = submitter && submitter.textContent.trim();
    yes.textContent = label || yes.getAttribute("data-default-label");
    dialog.returnValue = "";
    dialog.onclose = function () {
      dialog.onclose = null;
      if (dialog.returnValue !== "confirm") {
        if (submitter) submitter.focus();
        return;
      }
      markConfirmed(form);
      if (typeof form.requestSubmit === "function") {
        form.requestSubmit(submitter || undefined);
      } else {
        form.submit();
      }
    };
    dialog.showModal();
    return true;
  }

  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form || !form.getAttribute) return;
    var submitter = event.submitter || null;
    var question =
      (submitter && submitter.getAttribute("data-confirm")) || form.getAttribute("data-confirm");
    if (!question) return;
    var input = confirmedInput(form);
    if (input && input.value === "1") return; // asked already
    if (ask(form, submitter, question)) event.preventDefault();
  });

  // --- Error summary ------------------------------------------------------------------------

  function focusable(el) {
    if (!el) return null;
    if (el.tomselect) return el.tomselect;
    var picker = el.closest && el.closest("[data-region-picker]");
    if (picker) {
      var selects = picker.querySelectorAll("select[data-region-level]");
      var empty = Array.prototype.filter.call(selects, function (s) { return !s.value; })[0];
      var select = empty || selects[selects.length - 1];
      return select.tomselect || select;
    }
    if (el.matches && el.matches("input, select, textarea, button")) return el;
    return el.querySelector("input:not([type=hidden]), select, textarea") || el;
  }

  function goTo(link) {
    var id = decodeURIComponent(link.getAttribute("href").slice(1));
    var name = link.getAttribute("data-error-link");
    var target =
      document.getElementById(id) ||
      (name && document.querySelector('[name="' + CSS.escape(name) + '"]'));
    var control = focusable(target);
    if (!control) return false;
    var box = (control.wrapper || target).closest("fieldset, .mb-3, [id^=div_]") || target;
    box.scrollIntoView({ block: "center" });
    control.focus({ preventScroll: true });
    return true;
  }

  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest("a[data-error-link]");
    if (link && goTo(link)) event.preventDefault();
  });

  function showSummary() {
    var summary = document.querySelector("[data-error-summary]");
    if (!summary) return;
    summary.scrollIntoView({ block: "start" });
    summary.focus({ preventScroll: true });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", showSummary);
  } else {
    showSummary();
  }
})();
