/* The activity pages: people helped and requests per month, requests per operator (Chart.js),
   drawn from the page's JSON data above the tables that give the same figures. Served by the
   app; no inline script (the CSP forbids them). */
(function () {
  "use strict";
  var source = document.getElementById("activity-chart");
  if (!source || !window.Chart) return;
  var chart = JSON.parse(source.textContent);
  var COLOURS = ["#000091", "#e4794a", "#4b9f6c", "#6a6af4", "#b7a73f", "#ce614a", "#7b7b7b", "#009081", "#a558a0", "#417dc4"];
  var number = function (value) { return Number(value).toLocaleString("fr-FR"); };
  var options = function (extra) {
    return Object.assign({
      responsive: true, maintainAspectRatio: false, animation: false,
      plugins: { tooltip: { callbacks: { label: function (c) { return c.dataset.label + " : " + number(c.raw); } } } }
    }, extra || {});
  };
  var months = document.querySelector('[data-chart="activity-months"]');
  if (months) {
    new window.Chart(months, {
      type: "line",
      data: {
        labels: chart.labels,
        datasets: [
          { label: "Personnes accompagnées", data: chart.people, borderColor: COLOURS[0], backgroundColor: COLOURS[0] },
          { label: "Demandes", data: chart.requests, borderColor: COLOURS[1], backgroundColor: COLOURS[1] }
        ]
      },
      options: options({ scales: { y: { beginAtZero: true } } })
    });
  }
  var operators = document.querySelector('[data-chart="activity-operators"]');
  if (operators) {
    new window.Chart(operators, {
      type: "bar",
      data: {
        labels: chart.labels,
        datasets: chart.operators.map(function (serie, i) {
          return { label: serie.label, data: serie.data, backgroundColor: COLOURS[i % COLOURS.length] };
        })
      },
      options: options({ scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } })
    });
  }
})();
