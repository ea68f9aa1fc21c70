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

  // The comment form arrives the same for everyone, without its tokens: enable it,
  // and fetch the CSRF token and signed timestamp when the reader starts it.
  function enableCommentForms() {
    document.querySelectorAll("[data-comment-form]").forEach(function (form) {
      var fields = form.querySelector("[data-enable-with-script]");
      if (fields) fields.disabled = false;
      var pending = null;
      function fetchTokens() {
        if (!pending) {
          pending = fetch(form.dataset.tokenUrl, {
            credentials: "same-origin",
            headers: { Accept: "application/json" },
          })
            .then(function (response) {
              if (!response.ok) throw new Error(response.status);
              return response.json();
            })
            .then(function (data) {
              var csrf = form.elements.csrfmiddlewaretoken;
              if (!csrf) {
                csrf = document.createElement("input");
                csrf.type = "hidden";
                csrf.name = "csrfmiddlewaretoken";
                form.appendChild(csrf);
              }
              csrf.value = data.csrfmiddlewaretoken;
              form.elements.token.value = data.token;
            })
            .catch(function () {
              pending = null; // try again on the next interaction
            });
        }
        return pending;
      }
      form.addEventListener("focusin", fetchTokens);
      form.addEventListener("submit", function (event) {
        if (form.elements.token.value) return;
        event.preventDefault();
        var fetched = fetchTokens();
        if (fetched) {
          fetched.then(function () {
            if (form.elements.token.value) form.submit();
          });
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    enableCommentForms();
    enableCopyButtons();
    openTargetedDetails();
  });
  window.addEventListener("hashchange", openTargetedDetails);
})();
