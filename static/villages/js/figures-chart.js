// Yearly figures of a Desa Binaan as a bar chart. Data comes from a json_script element
// (CSP: no inline script); Chart.js is vendored under static/vendor/chart.js.
(function () {
  "use strict";
  var source = document.getElementById("figures-data");
  var canvas = document.getElementById("figures-chart");
  if (!source || !canvas || typeof Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        { label: data.names.procedural, data: data.procedural, backgroundColor: "#12355b" },
        { label: data.names.nonprocedural, data: data.nonprocedural, backgroundColor: "#d9534f" },
        { label: data.names.returnees, data: data.returnees, backgroundColor: "#f0ad4e" }
      ]
    },
    options: {
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      scales: { y: { beginAtZero: true, ticks: { precision: 0 } } }
    }
  });
})();
