// Progressive enhancement for the upload form. With JavaScript on, each file goes up with the tus 1.0 protocol
// (/uploads) in chunks, with a progress bar, speed and time left; a dropped connection is retried from the
// offset the server reports, and a reloaded page resumes the same files (their upload URLs are kept in this
// browser's sessionStorage until the submission is sent). Then the form is posted naming the finished uploads,
// so the receipt is the same as without JavaScript. Without JavaScript nothing here runs.
"use strict";
(function () {
  // The main form, or "add more files" on the status page: the same client for both.
  var form = document.getElementById("submission-form") || document.getElementById("add-form");
  var input = form && form.querySelector("input[type=file]");
  var strings = document.getElementById("upload-strings");
  if (!form || !input || !strings || !window.FormData || !window.XMLHttpRequest || !window.File || !File.prototype.slice) { return; }

  // The words come from the page (data-* attributes rendered from the language's catalogue), never from here.
  function say(name, values) {
    return (strings.getAttribute("data-" + name) || "").replace(/\{(\w+)\}/g, function (whole, key) {
      return values && key in values ? values[key] : whole;
    });
  }

  // The receipt survives a reload and a Back until the person says the code is saved: kept in this tab's
  // sessionStorage (never in a URL, the history or anything sent), with a warning before the page is left.
  var RECEIPT_KEY = "evidence-receipt";
  function warnBeforeLeaving(event) {
    event.preventDefault();
    event.returnValue = "";
  }
  function keepReceipt(store) {
    if (store && window.sessionStorage) {
      try { sessionStorage.setItem(RECEIPT_KEY, document.documentElement.outerHTML); } catch (full) { /* the warning still holds */ }
    }
    window.addEventListener("beforeunload", warnBeforeLeaving);
    var title = document.querySelector("h1");
    if (!title) { return; }
    var note = document.createElement("div");
    note.className = "receipt-kept";
    var text = document.createElement("p");
    text.textContent = say("receipt-kept");
    var saved = document.createElement("button");
    saved.type = "button";
    saved.id = "receipt-saved";
    saved.textContent = say("receipt-saved");
    saved.addEventListener("click", function () {
      if (window.sessionStorage) { sessionStorage.removeItem(RECEIPT_KEY); }
      window.removeEventListener("beforeunload", warnBeforeLeaving);
      note.parentNode.removeChild(note);
      title.focus();
    });
    note.appendChild(text);
    note.appendChild(saved);
    // After the code and its save links: the button is pressed once they are read, not before.
    var anchor = document.querySelector("section.receipt") || title;
    anchor.parentNode.insertBefore(note, anchor.nextSibling);
  }
  // Puts the page a post answered in place of this one; a receipt is kept as above (`store`: newly received).
  function showPage(root, isReceipt, store) {
    document.replaceChild(document.importNode(root, true), document.documentElement);
    window.scrollTo(0, 0);
    // The new page's heading takes the focus, so a screen reader starts reading the receipt (or the refusal).
    var title = document.querySelector("h1");
    if (title) { title.setAttribute("tabindex", "-1"); }
    if (isReceipt) { keepReceipt(store); }
    if (title) { title.focus(); }
  }
  // Only the main form's receipt is kept: one from "add more files" repeats the code its sender just typed.
  var keepsReceipts = form.id === "submission-form";
  var keptReceipt = keepsReceipts && window.sessionStorage && sessionStorage.getItem(RECEIPT_KEY);
  if (keptReceipt) {
    showPage(new DOMParser().parseFromString(keptReceipt, "text/html").documentElement, true, false);
    return;
  }

  var CHUNK = 8 * 1024 * 1024;
  var TUS = "1.0.0";

  function megabytes(bytes) {
    return say("megabytes", { n: (bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0).replace(".", say("decimal")) });
  }
  function duration(seconds) {
    if (!isFinite(seconds)) { return "…"; }
    if (seconds < 60) { return say("seconds", { s: Math.ceil(seconds) }); }
    return say("minutes", { m: Math.floor(seconds / 60), s: Math.floor(seconds % 60) });
  }
  // Proof of work, when the operator switched it on: find a nonce such that SHA-256("CHALLENGE:NONCE") starts
  // with `bits` zero bits, hashing in batches so the page stays responsive. Sent as ?pow= with each upload.
  var powQuery = "";
  function zeroBits(bytes) {
    var count = 0;
    for (var i = 0; i < bytes.length; i++) {
      if (bytes[i] === 0) { count += 8; continue; }
      for (var bit = 7; bit >= 0 && !(bytes[i] & (1 << bit)); bit--) { count++; }
      break;
    }
    return count;
  }
  function solve(challenge, bits) {
    var encoder = new TextEncoder();
    var nonce = 0;
    function batch() {
      var tries = [];
      for (var i = 0; i < 512; i++) { tries.push(crypto.subtle.digest("SHA-256", encoder.encode(challenge + ":" + (nonce + i)))); }
      return Promise.all(tries).then(function (digests) {
        for (var i = 0; i < digests.length; i++) {
          if (zeroBits(new Uint8Array(digests[i])) >= bits) { return challenge + ":" + (nonce + i); }
        }
        nonce += digests.length;
        return batch();
      });
    }
    return batch();
  }
  function withPow(url) { return powQuery ? url + (url.indexOf("?") < 0 ? "?" : "&") + powQuery : url; }

  function storageKey(file) { return "evidence-upload:" + file.name + ":" + file.size + ":" + file.lastModified; }
  function wait(ms) { return new Promise(function (resolve) { setTimeout(resolve, ms); }); }

  function request(method, url, headers, body, onProgress) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open(method, url);
      xhr.setRequestHeader("Tus-Resumable", TUS);
      Object.keys(headers).forEach(function (name) { xhr.setRequestHeader(name, headers[name]); });
      if (onProgress) { xhr.upload.addEventListener("progress", onProgress); }
      xhr.addEventListener("load", function () { resolve(xhr); });
      xhr.addEventListener("error", function () { reject(new Error("network")); });
      xhr.send(body === undefined ? null : body);
    });
  }

  // The upload URL for this file: a stored one the server still knows (with its offset), or a new one.
  function open(file) {
    var stored = window.sessionStorage ? sessionStorage.getItem(storageKey(file)) : null;
    var check = stored ? request("HEAD", stored, {}) : Promise.resolve(null);
    return check.then(function (xhr) {
      if (xhr && xhr.status === 200) {
        return { url: stored, offset: parseInt(xhr.getResponseHeader("Upload-Offset"), 10) || 0 };
      }
      return create(file, 0);
    });
  }

  // A new upload; a busy server (503) is asked again, waiting longer each time, before the form takes over.
  function create(file, attempt) {
    return request("POST", withPow("/uploads"), { "Upload-Length": String(file.size) }).then(function (created) {
      if (created.status === 503 && attempt < 6) {
        return wait(Math.min(30000, 1000 * Math.pow(2, attempt))).then(function () { return create(file, attempt + 1); });
      }
      if (created.status !== 201) { throw new Error("refused:" + created.status); }
      var url = created.getResponseHeader("Location");
      if (window.sessionStorage) { sessionStorage.setItem(storageKey(file), url); }
      return { url: url, offset: 0 };
    });
  }

  // A 409 means the server holds more than we thought (it keeps what arrived before a drop); 502-504 come from a
  // proxy in front of a server that is restarting. Both are worth asking for the offset again, like a dropped connection.
  function transient(status) { return status === 409 || (status >= 502 && status <= 504); }

  function send(file, upload, bar, progress, attempt) {
    if (upload.offset >= file.size) { return Promise.resolve(upload.url); }
    var end = Math.min(file.size, upload.offset + CHUNK);
    return request("PATCH", upload.url, { "Content-Type": "application/offset+octet-stream", "Upload-Offset": String(upload.offset) },
      file.slice(upload.offset, end), function (event) { bar.value = upload.offset + event.loaded; progress(); }
    ).then(function (xhr) {
      if (transient(xhr.status)) { return resume(file, upload, bar, progress, attempt); }
      if (xhr.status !== 204) { throw new Error("patch:" + xhr.status); }
      upload.offset = parseInt(xhr.getResponseHeader("Upload-Offset"), 10);
      bar.value = upload.offset;
      return send(file, upload, bar, progress, 0);
    }, function () { return resume(file, upload, bar, progress, attempt); });
  }

  // Connection lost: wait, ask the server where it stands, and go on from there. Never PATCH at an offset the
  // server has not just confirmed: the bytes that reached it before the drop are kept, so ours may be stale.
  function resume(file, upload, bar, progress, attempt) {
    if (attempt >= 20) { return Promise.reject(new Error("network")); }
    return wait(Math.min(30000, 1000 * Math.pow(2, attempt))).then(function () {
      return request("HEAD", upload.url, {});
    }).then(function (xhr) {
      if (transient(xhr.status)) { return resume(file, upload, bar, progress, attempt + 1); }
      if (xhr.status !== 200) { throw new Error("head:" + xhr.status); }
      upload.offset = parseInt(xhr.getResponseHeader("Upload-Offset"), 10);
      bar.value = upload.offset;
      return send(file, upload, bar, progress, attempt + 1);
    }, function () { return resume(file, upload, bar, progress, attempt + 1); });
  }

  // Which chosen files the server would refuse by their type, said as soon as they are chosen (sniff.js reads
  // their first bytes). They are left out of the upload and named in the form post, so the receipt lists them.
  var acceptsAnyType = strings.hasAttribute("data-accepts-unknown-types") || !window.evidenceSniff;
  var unsendableNote = document.createElement("div");
  unsendableNote.id = "unsendable";
  unsendableNote.setAttribute("role", "status");
  input.parentNode.appendChild(unsendableNote);
  function verdicts(chosen) {
    if (acceptsAnyType) { return Promise.resolve(chosen.map(function () { return true; })); }
    return Promise.all(chosen.map(function (file) {
      return evidenceSniff.sniffFile(file).then(function (type) { return type !== null; }, function () { return true; });
    }));
  }
  function showUnsendable(chosen, sendable) {
    unsendableNote.textContent = "";
    var left = chosen.filter(function (file, index) { return !sendable[index]; });
    if (left.length === 0) { return; }
    var lead = document.createElement("p");
    lead.className = "warning";
    lead.textContent = say(left.length === chosen.length ? "nothing-sendable" : "unsendable");
    unsendableNote.appendChild(lead);
    var list = document.createElement("ul");
    left.forEach(function (file) {
      var item = document.createElement("li");
      var name = document.createElement("bdi");
      name.textContent = file.name;
      item.appendChild(name);
      item.appendChild(document.createTextNode(": " + say("unsendable-reason")));
      list.appendChild(item);
    });
    unsendableNote.appendChild(list);
  }
  // The verdicts on the files chosen last, once known: Send then starts at once.
  var known = null;
  function sameFiles(a, b) { return a.length === b.length && a.every(function (file, index) { return file === b[index]; }); }
  input.addEventListener("change", function () {
    var chosen = Array.prototype.slice.call(input.files || []);
    known = null;
    verdicts(chosen).then(function (sendable) {
      known = { files: chosen, sendable: sendable };
      showUnsendable(chosen, sendable);
    });
  });

  form.addEventListener("submit", function (event) {
    var chosen = Array.prototype.slice.call(input.files || []);
    if (chosen.length === 0) { return; }
    event.preventDefault();
    var button = form.querySelector("button[type=submit]");
    button.disabled = true;
    function go(sendable) {
      showUnsendable(chosen, sendable);
      if (sendable.indexOf(true) < 0) {
        button.disabled = false;
        input.focus();
        return;
      }
      upload(chosen, sendable, button);
    }
    if (known && sameFiles(known.files, chosen)) { go(known.sendable); } else { verdicts(chosen).then(go); }
  });

  // Sends the sendable files with tus, then posts the form naming each chosen file in its place: a finished
  // upload (with its name), or one left out.
  function upload(chosen, sendable, button) {
    var files = chosen.filter(function (file, index) { return sendable[index]; });
    var panel = document.createElement("section");
    panel.id = "upload-progress";
    // Only the heading (sending, cleaning, lost) is announced; the figures change too often to be read out.
    var heading = document.createElement("h2");
    heading.setAttribute("aria-live", "polite");
    heading.textContent = say("sending");
    panel.appendChild(heading);
    // Per file: a progress bar and a line with what was sent, the speed and the time left.
    var rows = files.map(function (file, index) {
      var label = document.createElement("label");
      label.textContent = say("file", { n: index + 1, size: megabytes(file.size) });
      var bar = document.createElement("progress");
      bar.max = file.size || 1;
      bar.value = 0;
      label.appendChild(bar);
      panel.appendChild(label);
      var line = document.createElement("p");
      line.className = "file-progress";
      panel.appendChild(line);
      return { bar: bar, line: line, started: null, startedAt: 0 };
    });
    var bars = rows.map(function (row) { return row.bar; });
    // The total, labelled, so that it does not read as the last file's line.
    var summary = document.createElement("span");
    if (files.length > 1) {
      var totalLine = document.createElement("p");
      totalLine.className = "total-progress";
      var totalLabel = document.createElement("strong");
      totalLabel.textContent = say("total");
      totalLine.appendChild(totalLabel);
      totalLine.appendChild(document.createTextNode(" "));
      totalLine.appendChild(summary);
      panel.appendChild(totalLine);
    }
    form.parentNode.insertBefore(panel, form.nextSibling);
    // On a phone the panel starts below the fold, where nobody would see that anything happens.
    panel.scrollIntoView({ block: "start" });

    function figures(sent, total, since, sentBefore) {
      var seconds = (Date.now() - since) / 1000;
      var speed = seconds > 0 ? (sent - sentBefore) / seconds : 0;
      return say("progress", {
        sent: megabytes(sent), total: megabytes(total), speed: megabytes(speed),
        left: duration(speed > 0 ? (total - sent) / speed : Infinity)
      });
    }
    var totalSize = files.reduce(function (sum, file) { return sum + file.size; }, 0);
    var started = Date.now();
    var startedAt = null;
    function progress(index) {
      var row = rows[index];
      // Speeds count from the first report, so bytes already on the server (a resumed upload) are not "fast".
      if (row.started === null) { row.started = Date.now(); row.startedAt = row.bar.value; }
      row.line.textContent = figures(row.bar.value, files[index].size, row.started, row.startedAt);
      var sent = bars.reduce(function (sum, bar) { return sum + bar.value; }, 0);
      if (startedAt === null) { startedAt = sent; }
      if (files.length > 1) { summary.textContent = figures(sent, totalSize, started, startedAt); }
    }

    var challenge = strings.getAttribute("data-pow-challenge");
    var bits = parseInt(strings.getAttribute("data-pow-bits"), 10) || 0;
    var ready = Promise.resolve(null);
    if (challenge && bits > 0 && !powQuery && window.crypto && crypto.subtle && window.TextEncoder) {
      heading.textContent = say("pow");
      ready = solve(challenge, bits);
    }
    var urls = [];
    files.reduce(function (previous, file, index) {
      return previous.then(function () {
        return open(file).then(function (upload) {
          bars[index].value = upload.offset;
          return send(file, upload, bars[index], function () { progress(index); }, 0);
        }).then(function (url) {
          urls.push(url);
          rows[index].line.textContent = say("file-done");
        });
      });
    }, ready.then(function (proof) {
      if (proof) { powQuery = "pow=" + encodeURIComponent(proof); }
      heading.textContent = say("sending");
    })).then(function () {
      heading.textContent = say("cleaning");
      var body = new FormData();
      // The status page's form names the submission to add to (its receipt code). The form's one-time token is
      // left out: this page never posts twice by a reload, and when an answer is lost on the way, sending again
      // must give a receipt, not "already received" for a code that was never shown.
      Array.prototype.forEach.call(form.querySelectorAll("input[type=hidden][name=code]"), function (field) {
        body.append(field.name, field.value);
      });
      var sent = 0;
      chosen.forEach(function (file, index) {
        if (!sendable[index]) { body.append("skipped", file.name); return; }
        body.append("upload_name", file.name);
        body.append("upload", urls[sent++]);
      });
      body.append("message", form.elements.message.value);
      // By id: the form has a hidden keep_original=0 before the checkbox, so the name gives a list.
      var keep = document.getElementById("keep_original");
      if (keep && keep.checked) { body.append("keep_original", "1"); }
      return new Promise(function (resolve, reject) {
        var xhr = new XMLHttpRequest();
        xhr.open("POST", withPow(form.action));
        xhr.responseType = "document";
        xhr.addEventListener("load", function () { resolve(xhr); });
        xhr.addEventListener("error", function () { reject(new Error("network")); });
        xhr.send(body);
      });
    }).then(function (xhr) {
      if (xhr.status === 201 && window.sessionStorage) { files.forEach(function (file) { sessionStorage.removeItem(storageKey(file)); }); }
      showPage(xhr.response.documentElement, keepsReceipts && xhr.status === 201, true);
    }).catch(function (error) {
      var reason = String(error.message);
      if (/:507$/.test(reason)) {
        // Out of space: what arrived is kept; Send again continues once the operator has made room.
        heading.textContent = say("full");
        button.disabled = false;
        return;
      }
      if (reason.indexOf("refused:") === 0) {
        // The server refused a file outright (too large…): let the plain form show its readable page.
        form.action = withPow(form.action);
        form.submit();
        return;
      }
      heading.textContent = say("lost");
      button.disabled = false;
    });
  }
})();
