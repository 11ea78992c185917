// Suggestions under the search box as the shopper types (products, then enterprises), from
// /api/v1/search/suggestions/. Choosing one opens its page; without this script the box is a
// plain search form.
(function () {
  "use strict";
  var input = document.getElementById("site-search");
  var list = document.getElementById("site-search-suggestions");
  if (!input || !list || !window.fetch) return;
  var url = input.dataset.suggestUrl;
  var pages = {};
  var timer = null;
  var latest = 0;

  function show(items) {
    pages = {};
    list.replaceChildren();
    items.forEach(function (item) {
      var option = document.createElement("option");
      option.value = item.name;
      pages[item.name] = item.url;
      list.appendChild(option);
    });
  }

  input.addEventListener("input", function (event) {
    // A suggestion picked from the list arrives as a replacement of the whole text.
    if (event.inputType === "insertReplacementText" || (!event.inputType && pages[input.value])) {
      if (pages[input.value]) window.location.href = pages[input.value];
      return;
    }
    clearTimeout(timer);
    var typed = input.value.trim();
    if (typed.length < 2) { show([]); return; }
    timer = setTimeout(function () {
      var ticket = ++latest;
      fetch(url + "?q=" + encodeURIComponent(typed), { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : []; })
        .then(function (items) { if (ticket === latest) show(items); })
        .catch(function () { /* suggestions are a convenience: the form still works */ });
    }, 150);
  });
})();
