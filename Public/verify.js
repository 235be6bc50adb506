// Progressive enhancement for /verify: hash the picked file on this device and look the hash up,
// so the file itself is never sent. Without JavaScript the form uploads it to be hashed and discarded.
"use strict";
(function () {
  var form = document.getElementById("file-form");
  var input = document.getElementById("file");
  if (!form || !input || !window.crypto || !window.crypto.subtle) { return; }
  form.addEventListener("submit", function (event) {
    var file = input.files && input.files[0];
    if (!file) { return; }
    event.preventDefault();
    file.arrayBuffer().then(function (buffer) {
      return window.crypto.subtle.digest("SHA-256", buffer);
    }).then(function (digest) {
      var hex = Array.prototype.map.call(new Uint8Array(digest), function (b) {
        return ("0" + b.toString(16)).slice(-2);
      }).join("");
      // Keeps the page's language: the result comes back in the language the visitor chose.
      var lang = document.documentElement.lang;
      window.location.href = "/verify?sha256=" + hex + (lang ? "&lang=" + encodeURIComponent(lang) : "");
    }).catch(function () {
      form.submit();
    });
  });
})();
