// A wide table scrolls sideways inside the wrapper the DSFR's script adds around it
// (.fr-table__shadow): that wrapper takes the focus, so that a keyboard user can scroll it with
// the arrow keys (RGAA 7.3, axe « scrollable-region-focusable »). It is named after the table's
// caption. No inline script: served by the app under the CSP.
(function () {
  "use strict";
  function reachable(wrapper) {
    if (wrapper.hasAttribute("tabindex")) return;
    wrapper.setAttribute("tabindex", "0");
    var caption = wrapper.querySelector("caption");
    if (caption && !wrapper.hasAttribute("aria-label")) {
      wrapper.setAttribute("role", "region");
      wrapper.setAttribute("aria-label", caption.textContent.trim());
    }
  }
  function scan(root) {
    if (root.classList && root.classList.contains("fr-table__shadow")) reachable(root);
    if (root.querySelectorAll) root.querySelectorAll(".fr-table__shadow").forEach(reachable);
  }
  function start() {
    scan(document);
    new MutationObserver(function (mutations) {
      mutations.forEach(function (mutation) {
        mutation.addedNodes.forEach(scan);
      });
    }).observe(document.body, { childList: true, subtree: true });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
