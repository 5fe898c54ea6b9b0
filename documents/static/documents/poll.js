// Swap status fragments in while a document (or a batch) is being made: every element with a
// data-poll-url is fetched again every 2 s and replaced, until the server stops asking for it.
(function () {
  "use strict";
  function poll() {
    document.querySelectorAll("[data-poll-url]").forEach(function (el) {
      if (el.dataset.polling) return;
      el.dataset.polling = "1";
      fetch(el.dataset.pollUrl, { headers: { "X-Requested-With": "fetch" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.text() : Promise.reject(r.status); })
        .then(function (html) {
          var box = document.createElement("div");
          box.innerHTML = html.trim();
          if (box.firstElementChild) el.replaceWith(box.firstElementChild);
        })
        .catch(function () { delete el.dataset.polling; });
    });
    if (document.querySelector("[data-poll-url]")) window.setTimeout(poll, 2000);
  }
  window.setTimeout(poll, 2000);
})();
