/* Public directory: « Près de moi » (the browser's position, asked only on a click) and the
   map (Leaflet + markercluster, served by the app; OpenStreetMap tiles). The list of results
   is the accessible equivalent of the map and works without this script. */
(function () {
  "use strict";

  /* --- Près de moi ------------------------------------------------------------------------ */
  var form = document.querySelector("[data-directory-search]");
  if (form && "geolocation" in navigator) {
    var block = form.querySelector("[data-near-me-block]");
    var button = form.querySelector("[data-near-me]");
    var status = form.querySelector("[data-near-me-status]");
    var lat = form.querySelector("[data-near-me-lat]");
    var lon = form.querySelector("[data-near-me-lon]");
    var query = form.querySelector("input[name=q]");
    block.hidden = false;

    var say = function (text) {
      status.textContent = text;
      status.className = text ? "fr-error-text" : "";
    };

    button.addEventListener("click", function () {
      say("");
      button.disabled = true;
      button.textContent = "Recherche de votre position…";
      navigator.geolocation.getCurrentPosition(
        function (position) {
          // About a hundred metres: enough to sort places, no more precise than needed.
          lat.value = position.coords.latitude.toFixed(3);
          lon.value = position.coords.longitude.toFixed(3);
          lat.disabled = false;
          lon.disabled = false;
          query.value = "";
          query.disabled = true;
          form.submit();
        },
        function (error) {
          button.disabled = false;
          button.textContent = "Près de moi";
          if (error.code === error.PERMISSION_DENIED) {
            say("Vous n'avez pas autorisé votre navigateur à donner votre position : saisissez une commune, un code postal ou un département.");
          } else {
            say("Votre position n'a pas pu être déterminée : saisissez une commune, un code postal ou un département.");
          }
        },
        { enableHighAccuracy: false, timeout: 15000, maximumAge: 300000 }
      );
    });
  }

  /* --- Map -------------------------------------------------------------------------------- */
  var container = document.querySelector("[data-map]");
  if (!container || !window.L) return;

  var FRANCE = [[41.3, -5.2], [51.1, 9.6]];
  var map = L.map(container, { scrollWheelZoom: false });
  L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 19,
    attribution: "© contributeurs <a href=\"https://www.openstreetmap.org/copyright\">OpenStreetMap</a>"
  }).addTo(map);
  map.attributionControl.setPrefix("Leaflet");

  var originLat = parseFloat(container.getAttribute("data-origin-lat"));
  var originLon = parseFloat(container.getAttribute("data-origin-lon"));
  var hasOrigin = !isNaN(originLat) && !isNaN(originLon);

  if (container.hasAttribute("data-single")) {
    L.marker([originLat, originLon], {
      title: container.getAttribute("data-origin-label") || "",
      alt: container.getAttribute("data-origin-label") || "",
      keyboard: false
    }).addTo(map);
    map.setView([originLat, originLon], 15);
    return;
  }

  // Centre on the listed results (then on the search's origin, then on France).
  var bounds = [];
  document.querySelectorAll("[data-result][data-lat]").forEach(function (item) {
    bounds.push([parseFloat(item.getAttribute("data-lat")), parseFloat(item.getAttribute("data-lon"))]);
  });
  if (hasOrigin) {
    bounds.push([originLat, originLon]);
    L.circleMarker([originLat, originLon], { radius: 7, weight: 3 })
      .bindTooltip(container.getAttribute("data-origin-label") || "")
      .addTo(map);
  }
  if (bounds.length) {
    map.fitBounds(bounds, { padding: [24, 24], maxZoom: 13 });
  } else {
    map.fitBounds(FRANCE);
  }

  var placeUrl = container.getAttribute("data-place-url");
  var popup = function (id, name, commune) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = placeUrl.replace("00000000-0000-0000-0000-000000000000", id);
    link.textContent = name;
    var town = document.createElement("p");
    town.textContent = commune;
    box.appendChild(link);
    box.appendChild(town);
    return box;
  };

  if (!window.fetch || !L.markerClusterGroup) return;
  fetch(container.getAttribute("data-src"), { credentials: "same-origin" })
    .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
    .then(function (data) {
      var cluster = L.markerClusterGroup({ chunkedLoading: true, showCoverageOnHover: false });
      data.places.forEach(function (row) {
        var marker = L.marker([row[1], row[2]], { title: row[3], alt: row[3], keyboard: false });
        marker.bindPopup(function () { return popup(row[0], row[3], row[4]); });
        cluster.addLayer(marker);
      });
      map.addLayer(cluster);
    })
    .catch(function () { /* the list of results stays complete */ });
})();
