// Progressive enhancements; every page works without them.
(function () {
  "use strict";

  // Open the FAQ item a #faq-… link points at (and keep it open when the hash changes).
  function openTargetedDetails() {
    if (!location.hash) return;
    var id;
    try {
      id = decodeURIComponent(location.hash.slice(1));
    } catch (error) {
      return; // a malformed fragment points nowhere
    }
    var target = document.getElementById(id);
    if (target && target.tagName === "DETAILS") {
      target.open = true;
      target.querySelector("summary").focus();
    }
  }

  // "Copy link" buttons copy their data-copy-url and say so.
  function enableCopyButtons() {
    if (!navigator.clipboard) return;
    document.querySelectorAll("[data-copy-url]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(button.dataset.copyUrl).then(function () {
          button.textContent = button.dataset.copiedText;
        });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    enableCopyButtons();
    openTargetedDetails();
  });
  window.addEventListener("hashchange", openTargetedDetails);
})();
