// Copy buttons beside selectable text: shown only where the clipboard can be used.
(function () {
  function wire(root) {
    root.querySelectorAll("button.copy-button[data-copy]").forEach(function (button) {
      if (button.dataset.wired) return;
      button.dataset.wired = "1";
      if (!navigator.clipboard) return; // the text stays selectable: long-press to copy
      button.hidden = false;
      button.addEventListener("click", function () {
        var field = document.getElementById(button.dataset.copy);
        navigator.clipboard.writeText(field.value).then(function () {
          button.textContent = "Copied";
          setTimeout(function () { button.textContent = "Copy"; }, 2000);
        }, function () { field.select(); });
      });
    });
    root.querySelectorAll("input.copy-text").forEach(function (field) {
      field.addEventListener("focus", function () { field.select(); });
    });
  }
  document.addEventListener("DOMContentLoaded", function () { wire(document); });
  document.addEventListener("htmx:afterSettle", function (event) { wire(event.target); });
})();
