// Progressive enhancement for the upload form: with JavaScript on, the same multipart POST is sent with
// XMLHttpRequest so each file gets a progress bar with speed and time left. Without JavaScript the form
// posts normally and nothing here runs. No framework, no third-party resource.
"use strict";
(function () {
  var form = document.querySelector("form[action='/submissions']");
  var input = document.getElementById("files");
  if (!form || !input || !window.FormData || !window.XMLHttpRequest) { return; }

  function megabytes(bytes) { return (bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0) + " MB"; }
  function duration(seconds) {
    if (!isFinite(seconds)) { return "…"; }
    if (seconds < 60) { return Math.ceil(seconds) + " s"; }
    return Math.floor(seconds / 60) + " min " + Math.ceil(seconds % 60) + " s";
  }

  form.addEventListener("submit", function (event) {
    var files = Array.prototype.slice.call(input.files || []);
    if (files.length === 0) { return; }
    event.preventDefault();
    var panel = document.createElement("section");
    panel.id = "upload-progress";
    panel.setAttribute("aria-live", "polite");
    var heading = document.createElement("h2");
    heading.textContent = "Sending…";
    panel.appendChild(heading);
    var rows = files.map(function (file, index) {
      var label = document.createElement("label");
      label.textContent = "File " + (index + 1) + " (" + megabytes(file.size) + ")";
      var bar = document.createElement("progress");
      bar.max = file.size || 1;
      bar.value = 0;
      label.appendChild(bar);
      panel.appendChild(label);
      return bar;
    });
    var summary = document.createElement("p");
    panel.appendChild(summary);
    form.parentNode.insertBefore(panel, form.nextSibling);
    form.querySelector("button[type=submit]").disabled = true;

    var started = Date.now();
    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.responseType = "document";
    request.upload.addEventListener("progress", function (progress) {
      // The body carries the files in order, so the bytes sent so far fill the bars one after the other.
      var left = progress.loaded;
      rows.forEach(function (bar, index) {
        var size = files[index].size;
        bar.value = Math.max(0, Math.min(size, left));
        left -= size;
      });
      var seconds = (Date.now() - started) / 1000;
      var speed = seconds > 0 ? progress.loaded / seconds : 0;
      var remaining = progress.lengthComputable && speed > 0 ? (progress.total - progress.loaded) / speed : Infinity;
      summary.textContent = megabytes(progress.loaded) + (progress.lengthComputable ? " of " + megabytes(progress.total) : "") +
        " · " + megabytes(speed) + "/s · " + duration(remaining) + " left";
    });
    request.addEventListener("load", function () {
      if (request.response && request.response.documentElement) {
        document.replaceChild(document.importNode(request.response.documentElement, true), document.documentElement);
        window.scrollTo(0, 0);
      } else {
        form.submit();
      }
    });
    request.addEventListener("error", function () {
      heading.textContent = "The connection was lost. Please try again: nothing was kept from this attempt.";
      form.querySelector("button[type=submit]").disabled = false;
    });
    request.send(new FormData(form));
  });
})();
