// The file picker in the page's language. The browser draws the native picker's button and its "no file chosen" in
// the browser's language, whatever the page's: with JavaScript on, a button drawn in our words takes the native
// one's place, and a line under it names the chosen files. The native input stays: it moves into its own <label>
// (one label, which clicks and taps on the drawn button reach), and it is what the keyboard focuses (its focus ring
// is drawn on our button), what a screen reader announces and what the form sends. Without JavaScript the native
// picker shows, unchanged.
"use strict";
(function labelFilePickers() {
  var strings = document.getElementById("picker-strings");
  var inputs = document.querySelectorAll("main form input[type=file]");
  if (!strings || !inputs.length || !document.documentElement.classList) { return; }
  function say(name, values) {
    return (strings.getAttribute("data-" + name) || "").replace(/\{(\w+)\}/g, function (whole, key) {
      return values && key in values ? values[key] : whole;
    });
  }
  Array.prototype.forEach.call(inputs, function (input) {
    var label = input.id && document.querySelector("label[for='" + input.id + "']");
    if (!label) { return; }
    var button = document.createElement("span");
    button.className = "picker-button";
    button.textContent = say("pick");
    var chosen = document.createElement("span");
    chosen.id = input.id + "-chosen";
    chosen.className = "hint picker-chosen";
    chosen.setAttribute("aria-live", "polite");
    function show() {
      var names = Array.prototype.map.call(input.files || [], function (file) { return file.name; });
      chosen.textContent = names.length ? say("picked", { n: names.length, names: names.join(", ") }) : say("picked-none");
    }
    label.parentNode.insertBefore(chosen, label.nextSibling);
    input.classList.add("picker-native");
    label.appendChild(input);
    label.appendChild(button);
    input.addEventListener("change", show);
    show();
  });
})();
