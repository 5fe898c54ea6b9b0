/* Live update of the self-check: posts the form on each change and replaces the results. */
(function () {
  "use strict";
  var form = document.querySelector("[data-selfcheck]");
  var target = document.getElementById("selfcheck-results");
  if (!form || !target || !window.fetch || !window.AbortController) return;
  var timer = null;
  var controller = null;

  function refresh() {
    if (controller) controller.abort();
    controller = new AbortController();
    fetch(form.getAttribute("action") || window.location.href, {
      method: "POST",
      body: new FormData(form),
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin",
      signal: controller.signal
    })
      .then(function (response) { return response.ok ? response.text() : Promise.reject(response.status); })
      .then(function (html) { target.innerHTML = html; })
      .catch(function () { /* keep the last results; the submit button still works */ });
  }

  function schedule() {
    window.clearTimeout(timer);
    timer = window.setTimeout(refresh, 300);
  }

  form.addEventListener("input", schedule);
  form.addEventListener("change", schedule);
})();
