/*
 * Application intake form: offer only the providers whose agreement covers the chosen care type.
 * Each provider <option> carries data-care-types="home institution …". The server checks again.
 */
(function () {
  "use strict";

  function filterProviders(careType, provider) {
    Array.prototype.forEach.call(provider.options, function (option) {
      var types = (option.getAttribute("data-care-types") || "").split(" ");
      var fits = !option.value || !careType.value || types.indexOf(careType.value) !== -1;
      option.hidden = !fits;
      option.disabled = !fits;
      if (!fits && option.selected) provider.value = "";
    });
  }

  function attach() {
    var careType = document.getElementById("care_type");
    var provider = document.getElementById("provider_id");
    if (!careType || !provider) return;
    careType.addEventListener("change", function () { filterProviders(careType, provider); });
    filterProviders(careType, provider);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", attach);
  else attach();
}());
