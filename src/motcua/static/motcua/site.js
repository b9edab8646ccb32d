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

  /* A long list (a province's communes) narrowed as one types: a select marked data-filter
   * gets a search box above it, whose words, without diacritics, must all appear in an
   * option's name or its group's. Without JavaScript the list stays whole, in its groups. */
  function fold(text) {
    return text.replace(/[đĐ]/g, "d").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }

  function narrow(select, words) {
    const shown = [];
    select.querySelectorAll("option").forEach(function (option) {
      if (!option.value) {
        return;
      }
      const group = option.parentElement.tagName === "OPTGROUP" ? option.parentElement.label : "";
      const text = fold(option.text + " " + group);
      option.hidden = !words.every(function (word) { return text.includes(word); });
      if (!option.hidden) {
        shown.push(option);
      }
    });
    select.querySelectorAll("optgroup").forEach(function (group) {
      group.hidden = !group.querySelector("option:not([hidden])");
    });
    if (shown.length === 1) {
      shown[0].selected = true;
    }
    return shown.length;
  }

  document.querySelectorAll("select[data-filter]").forEach(function (select) {
    const box = document.createElement("input");
    box.type = "search";
    box.className = "list-filter";
    box.placeholder = select.dataset.filter;
    box.setAttribute("aria-label", select.dataset.filter);
    box.setAttribute("aria-controls", select.id);
    box.autocomplete = "off";
    select.parentNode.insertBefore(box, select);
    box.addEventListener("keydown", function (event) {
      if (event.key === "Enter") {
        event.preventDefault(); /* narrowing the list never submits the form */
      }
    });
    box.addEventListener("input", function () {
      narrow(select, fold(box.value).split(/\s+/).filter(Boolean));
    });
  });
})();
