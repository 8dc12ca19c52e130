// Progress of a background export: polls the job's JSON status and moves the Bootstrap bar;
// reloads the page when the job has finished, so that the server shows the download link or
// the error. Loaded from static/ (CSP: no inline script); the width is set through the CSSOM,
// which the style-src policy allows. Without JavaScript the page offers a "Refresh" link.
(function () {
  "use strict";
  var box = document.getElementById("export-progress");
  if (!box) return;
  var bar = box.querySelector(".progress-bar");
  var label = document.getElementById("export-progress-label");
  var url = box.getAttribute("data-status-url");
  var delay = 1000;

  function paint(percent) {
    var value = Math.max(0, Math.min(100, parseInt(percent, 10) || 0));
    bar.style.width = value + "%";
    box.setAttribute("aria-valuenow", String(value));
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error("status " + response.status);
        return response.json();
      })
      .then(function (data) {
        paint(data.percent);
        if (label && data.progress_text) label.textContent = data.progress_text;
        if (data.finished) {
          window.location.reload();
          return;
        }
        delay = Math.min(delay * 1.5, 5000);
        window.setTimeout(poll, delay);
      })
      .catch(function () {
        window.setTimeout(poll, 10000);
      });
  }

  paint(box.getAttribute("data-percent"));
  window.setTimeout(poll, delay);
})();
