/* Behaviour of the site's pages, kept out of the markup: the Content-Security-Policy runs no
 * inline script and no on… attribute. */
(function () {
  "use strict";
  /* One submission per click: a form marked data-submit-once ignores a second submit while
   * the first is on its way (a double click would otherwise send a dossier twice). */
  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-submit-once")) {
      return;
    }
    if (form.dataset.sent) {
      event.preventDefault();
      return;
    }
    form.dataset.sent = "1";
  });
})();
