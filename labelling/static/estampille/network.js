/* The network's status pages: charts (Chart.js) drawn from the page's JSON data, each above
   the table that gives its figures, and the map of places (Leaflet + markercluster; the
   OpenStreetMap tiles). Served by the app; no inline script (the page's CSP forbids them). */
(function () {
  "use strict";

  var source = document.getElementById("network-charts");
  var charts = source ? JSON.parse(source.textContent) : {};
  // DSFR illustrative colours: candidate, under review, labelled, upcoming, notice, suspended,
  // abrogated (then the same order again for longer series).
  var COLOURS = ["#b7a73f", "#4b9f6c", "#000091", "#6a6af4", "#e4794a", "#ce614a", "#7b7b7b"];

  var draw = function (name, config) {
    var canvas = document.querySelector('[data-chart="' + name + '"]');
    if (!canvas || !window.Chart) return;
    config.options = Object.assign({ responsive: true, maintainAspectRatio: false, animation: false }, config.options || {});
    new window.Chart(canvas, config);
  };
  var number = function (value) { return Number(value).toLocaleString("fr-FR"); };

  if (charts.status) {
    draw("status", {
      type: "bar",
      data: {
        labels: charts.status.labels,
        datasets: charts.status.series.map(function (serie, i) {
          return { label: serie.label, data: serie.data, backgroundColor: COLOURS[i % COLOURS.length] };
        })
      },
      options: {
        indexAxis: charts.status.labels.length > 12 ? "y" : "x",
        scales: { x: { stacked: true }, y: { stacked: true } },
        plugins: { tooltip: { callbacks: { label: function (c) { return c.dataset.label + " : " + number(c.raw); } } } }
      }
    });
  }
  if (charts.months && charts.months.labels.length) {
    draw("months", {
      type: "bar",
      data: { labels: charts.months.labels, datasets: [{ label: "Labels prenant effet", data: charts.months.data, backgroundColor: "#000091" }] },
      options: { plugins: { legend: { display: false } } }
    });
  }
  if (charts.formats) {
    draw("formats", {
      type: "bar",
      data: {
        labels: charts.formats.labels,
        datasets: charts.formats.series.map(function (serie, i) {
          return { label: serie.label, data: serie.data, backgroundColor: ["#000091", "#6a6af4", "#cecece"][i] };
        })
      },
      options: { indexAxis: "y", scales: { x: { stacked: true }, y: { stacked: true } } }
    });
  }

  /* --- Map -------------------------------------------------------------------------------- */
  var container = document.querySelector("[data-network-map]");
  if (!container || !window.L || !window.fetch) return;
  var map = L.map(container, { scrollWheelZoom: false });
  L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 19,
    attribution: "© contributeurs <a href=\"https://www.openstreetmap.org/copyright\">OpenStreetMap</a>"
  }).addTo(map);
  map.attributionControl.setPrefix("Leaflet");
  map.fitBounds([[41.3, -5.2], [51.1, 9.6]]);

  var placeUrl = container.getAttribute("data-place-url");
  var popup = function (row) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = placeUrl.replace("00000000-0000-0000-0000-000000000000", row[0]);
    link.textContent = row[3];
    var text = document.createElement("p");
    text.textContent = row[4] + " — " + row[5];
    box.appendChild(link);
    box.appendChild(text);
    return box;
  };
  fetch(container.getAttribute("data-src"), { credentials: "same-origin" })
    .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
    .then(function (data) {
      if (!data.places.length) return;
      var cluster = L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false });
      var bounds = [];
      data.places.forEach(function (row) {
        var marker = L.marker([row[1], row[2]], { title: row[3], alt: row[3], keyboard: false });
        marker.bindPopup(function () { return popup(row); });
        cluster.addLayer(marker);
        bounds.push([row[1], row[2]]);
      });
      map.addLayer(cluster);
      map.fitBounds(bounds, { padding: [24, 24], maxZoom: 12 });
    })
    .catch(function () { /* the tables stay complete */ });
})();
