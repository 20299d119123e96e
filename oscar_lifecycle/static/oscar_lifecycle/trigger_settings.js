// The journey editor shows only the settings of the trigger the journey starts with.
(function () {
  function showSettingsOf(trigger) {
    document.querySelectorAll("[data-lifecycle-trigger-settings]").forEach(function (section) {
      section.hidden = section.dataset.lifecycleTriggerSettings !== trigger;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    var select = document.querySelector("select[name='trigger']");
    if (!select || !document.querySelector("[data-lifecycle-trigger-settings]")) {
      return;
    }
    showSettingsOf(select.value);
    select.addEventListener("change", function () { showSettingsOf(select.value); });
  });
})();
