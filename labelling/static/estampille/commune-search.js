/* Commune autocomplete (progressive enhancement): an input marked data-commune-search="URL"
   gets suggestions from the app's own territories (name, postcode or INSEE code) in a native
   <datalist>, and a polite live message when the chosen commune already has a labelled place.
   Without JavaScript the field still accepts a name, a postcode or an INSEE code: the server
   resolves it or says which commune to choose. */
(function () {
  "use strict";
  if (!window.fetch || !window.AbortController) return;
  var inputs = document.querySelectorAll("input[data-commune-search]");

  function enhance(input) {
    var url = input.getAttribute("data-commune-search");
    var list = document.createElement("datalist");
    list.id = input.id + "-suggestions";
    var info = document.createElement("p");
    info.id = input.id + "-commune-info";
    info.className = "fr-message fr-message--info fr-mt-1w";
    info.setAttribute("aria-live", "polite");
    info.hidden = true;
    input.parentNode.insertBefore(list, input.nextSibling);
    input.parentNode.insertBefore(info, list.nextSibling);
    input.setAttribute("list", list.id);
    var described = input.getAttribute("aria-describedby");
    input.setAttribute("aria-describedby", (described ? described + " " : "") + info.id);

    var known = {};
    var timer = null;
    var controller = null;
    var lastQuery = "";

    function describe() {
      var choice = known[input.value];
      var names = choice ? choice.labelled_places : [];
      if (names.length) {
        info.textContent = (names.length > 1
          ? "Des lieux labellisés existent déjà dans cette commune : "
          : "Un lieu labellisé existe déjà dans cette commune : ") + names.join(", ") +
          ". Vérifiez que votre projet ne fait pas double emploi.";
        info.hidden = false;
      } else {
        info.textContent = "";
        info.hidden = true;
      }
    }

    function show(results) {
      while (list.firstChild) list.removeChild(list.firstChild);
      results.forEach(function (r) {
        known[r.label] = r;
        var option = document.createElement("option");
        option.value = r.label;
        var details = r.departement.name;
        if (r.postal_codes.length) details += " — " + r.postal_codes.slice(0, 4).join(", ");
        if (r.via) details += " — " + r.via.kind + " de " + r.name;
        option.label = details;
        list.appendChild(option);
      });
      describe();
    }

    function search() {
      var query = input.value.trim();
      if (query.length < 2 || query === lastQuery || known[input.value]) return;
      lastQuery = query;
      if (controller) controller.abort();
      controller = new AbortController();
      fetch(url + "?q=" + encodeURIComponent(query), {
        headers: { "Accept": "application/json" },
        credentials: "same-origin",
        signal: controller.signal
      })
        .then(function (response) { return response.ok ? response.json() : Promise.reject(response.status); })
        .then(function (data) { show(data.results || []); })
        .catch(function () { /* the server still resolves what is typed */ });
    }

    input.addEventListener("input", function () {
      describe();
      window.clearTimeout(timer);
      timer = window.setTimeout(search, 200);
    });
    input.addEventListener("change", describe);
    if (input.value) {
      search();
    }
  }

  Array.prototype.forEach.call(inputs, enhance);
})();
