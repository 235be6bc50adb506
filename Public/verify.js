// Progressive enhancement for /verify: hash the picked file on this device and send only its hash with the
// opening, so the file itself is never sent. Without JavaScript the form uploads it to be hashed and discarded.
"use strict";
(function () {
  var form = document.getElementById("verify-form");
  var input = document.getElementById("file");
  var sha = document.getElementById("sha256");
  if (!form || !input || !sha || !window.crypto || !window.crypto.subtle) { return; }
  // form.submit() below does not fire "submit" again.
  form.addEventListener("submit", function (event) {
    var file = input.files && input.files[0];
    if (!file) { return; }
    event.preventDefault();
    file.arrayBuffer().then(function (buffer) {
      return window.crypto.subtle.digest("SHA-256", buffer);
    }).then(function (digest) {
      sha.value = Array.prototype.map.call(new Uint8Array(digest), function (b) {
        return ("0" + b.toString(16)).slice(-2);
      }).join("");
      // The file's bytes stay here: only its hash, the opening and any receipt go.
      input.value = "";
      form.submit();
    }).catch(function () {
      form.submit();
    });
  });
})();
