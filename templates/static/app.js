// Kysy's only script. Everything works without it; it adds the quick exit
// without a history entry, the Escape-key exit, and copying the receipt.
(function () {
  "use strict";
  var exit = document.getElementById("quick-exit");
  function leave(ev) {
    if (ev) { ev.preventDefault(); }
    var url = exit.getAttribute("href");
    document.body.style.visibility = "hidden";
    document.title = "";
    // replace() keeps this page out of the back button's history.
    window.location.replace(url);
  }
  if (exit) {
    exit.addEventListener("click", leave);
    document.addEventListener("keydown", function (ev) {
      if (ev.key === "Escape") { leave(ev); }
    });
  }
  var copy = document.getElementById("copy-receipt");
  var code = document.getElementById("receipt-code");
  var status = document.getElementById("copy-status");
  if (copy && code) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      var text = code.textContent.trim();
      var done = function () { status.textContent = copy.getAttribute("data-copied"); };
      var failed = function () {
        var range = document.createRange();
        range.selectNodeContents(code);
        var sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
        status.textContent = copy.getAttribute("data-failed");
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(done, failed);
      } else {
        failed();
      }
    });
  }
})();
