// The confirmation of irreversible actions (portal/core/confirm.py). A form with
// data-confirm="question" (or a submit button with it) is not sent at once: the question is
// asked in the <dialog id="confirm-dialog"> of base.html, with what the form has chosen in
// its lists, and the form is sent with confirmed=1 only after "yes". Without this script the
// server asks the same question on a page of its own. Loaded from static/ (CSP: no inline
// script); one listener for the whole document, so forms drawn later by htmx are covered.
(function () {
  "use strict";
  if (window.sinergiConfirm) return;
  window.sinergiConfirm = true;

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
})();
