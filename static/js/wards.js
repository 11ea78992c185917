// Reloads the ward list when the province changes (the form works without this script:
// the ward list then shows the preselected province's wards).
(function () {
  "use strict";
  document.querySelectorAll("form[data-wards-url]").forEach(function (form) {
    var province = form.querySelector("select[name$='province_code']");
    var ward = form.querySelector("select[name$='ward_code']");
    if (!province || !ward) return;
    province.addEventListener("change", function () {
      var url = form.dataset.wardsUrl.replace("/0/", "/" + encodeURIComponent(province.value) + "/");
      fetch(url, { headers: { Accept: "application/json" } })
        .then(function (response) { return response.ok ? response.json() : null; })
        .then(function (data) {
          if (!data) return;
          var placeholder = ward.options[0];
          ward.replaceChildren(placeholder);
          data.wards.forEach(function (item) {
            var option = document.createElement("option");
            option.value = item.code;
            option.textContent = item.name;
            ward.appendChild(option);
          });
        });
    });
  });
})();
