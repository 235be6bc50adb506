// The server's MediaSniffer (Sources/MediaScrub/MediaSniffer*.swift) in the browser: a file's type from its first
// bytes, never from its name, so that submit.js can say before sending which chosen files the server would refuse.
// It must never refuse what the server accepts: BrowserTests.sniffAgreesWithServer compares the two on the corpus
// and on crafted prefixes. Without JavaScript nothing here runs, and the server alone decides.
"use strict";
(function () {
  var PREFIX_LENGTH = 64;
  var HEIF = ["heic", "heix", "heim", "heis", "hevc", "hevx", "hevm", "hevs", "mif1", "mif2", "msf1"];
  var AVIF = ["avif", "avis"];
  var MP4 = ["isom", "iso2", "iso3", "iso4", "iso5", "iso6", "iso7", "iso8", "iso9", "mp41", "mp42", "mp71", "avc1",
    "M4V ", "M4VH", "M4VP", "dash", "msdh", "msix", "f4v ", "MSNV", "XAVC", "NDAS", "mmp4"];
  var QUICKTIME_FIRST_BOXES = ["moov", "mdat", "wide", "free", "skip", "pnot"];

  function text(bytes, start, end) {
    var out = "";
    for (var i = start; i < end && i < bytes.length; i++) { out += String.fromCharCode(bytes[i]); }
    return out;
  }
  function startsWith(bytes, values) {
    if (bytes.length < values.length) { return false; }
    for (var i = 0; i < values.length; i++) { if (bytes[i] !== values[i]) { return false; } }
    return true;
  }
  function startsWithText(bytes, value) { return bytes.length >= value.length && text(bytes, 0, value.length) === value; }
  function has(list, value) { return list.indexOf(value) >= 0; }
  function uint32(bytes, at) { return ((bytes[at] << 24) >>> 0) + (bytes[at + 1] << 16) + (bytes[at + 2] << 8) + bytes[at + 3]; }

  function isobmff(bytes) {
    if (bytes.length < 8) { return null; }
    var firstType = text(bytes, 4, 8);
    var size = uint32(bytes, 0);
    if (firstType !== "ftyp" || bytes.length < 12) {
      return has(QUICKTIME_FIRST_BOXES, firstType) && (size === 0 || size === 1 || size >= 8) ? "mov" : null;
    }
    var major = text(bytes, 8, 12);
    var brands = [major];
    for (var index = 16; index + 4 <= Math.min(size, bytes.length); index += 4) { brands.push(text(bytes, index, index + 4)); }
    var heifMajor = has(HEIF, major) && ["mif1", "msf1", "mif2"].indexOf(major) < 0;
    if (brands.some(function (brand) { return has(AVIF, brand); }) && !heifMajor) { return "avif"; }
    for (var i = 0; i < brands.length; i++) {
      var brand = brands[i];
      if (has(HEIF, brand)) { return "heic"; }
      if (brand === "qt  ") { return "mov"; }
      if (brand === "M4A " || brand === "M4B " || brand === "M4P ") { return "m4a"; }
      if (brand.indexOf("3gp") === 0 || brand.indexOf("3g2") === 0) { return "3gp"; }
      if (has(MP4, brand)) { return "mp4"; }
    }
    return null;
  }

  function audio(bytes) {
    if (startsWithText(bytes, "fLaC")) { return "flac"; }
    if (bytes.length >= 10 && startsWithText(bytes, "ID3") && bytes[3] >= 2 && bytes[3] <= 4
      && bytes[6] < 0x80 && bytes[7] < 0x80 && bytes[8] < 0x80 && bytes[9] < 0x80) { return "mp3"; }
    if (startsWithText(bytes, "OggS") && bytes.length > 27) {
      var packet = bytes.subarray(Math.min(bytes.length, 27 + bytes[26]));
      if (startsWith(packet, [0x01, 0x76, 0x6F, 0x72, 0x62, 0x69, 0x73])) { return "ogg"; }
      if (startsWithText(packet, "OpusHead")) { return "opus"; }
      return null;
    }
    if (bytes.length >= 4 && bytes[0] === 0xFF && (bytes[1] & 0xE0) === 0xE0 && ((bytes[1] >> 3) & 3) !== 1
      && ((bytes[1] >> 1) & 3) !== 0 && (bytes[2] >> 4) >= 1 && (bytes[2] >> 4) <= 14 && ((bytes[2] >> 2) & 3) !== 3
      && (bytes[3] & 3) !== 2) { return "mp3"; }
    return null;
  }

  // One EBML element header at `index` (RFC 8794): {id, size (null when unknown), length}; null when the bytes end
  // inside it or cannot start one.
  function vintLength(first) {
    if (first === 0) { return null; }
    var length = 1;
    while (!(first & (0x80 >> (length - 1)))) { length++; }
    return length;
  }
  function element(bytes, index, end) {
    if (index >= end) { return null; }
    var idLength = vintLength(bytes[index]);
    if (idLength === null || idLength > 4 || index + idLength >= end) { return null; }
    var sizeLength = vintLength(bytes[index + idLength]);
    if (sizeLength === null || index + idLength + sizeLength > end) { return null; }
    var id = 0;
    for (var i = 0; i < idLength; i++) { id = id * 256 + bytes[index + i]; }
    var value = bytes[index + idLength] & ((0x80 >> (sizeLength - 1)) - 1);
    for (var j = 1; j < sizeLength; j++) { value = value * 256 + bytes[index + idLength + j]; }
    var unknown = Math.pow(2, 7 * sizeLength) - 1;
    return { id: id, size: value === unknown ? null : value, length: idLength + sizeLength };
  }
  function matroska(bytes) {
    if (!startsWith(bytes, [0x1A, 0x45, 0xDF, 0xA3])) { return null; }
    var header = element(bytes, 0, bytes.length);
    if (!header || header.size === null) { return null; }
    var index = header.length;
    var end = Math.min(bytes.length, index + header.size);
    for (;;) {
      var child = element(bytes, index, end);
      if (!child || child.size === null) { return null; }
      var data = index + child.length;
      if (child.size > end - data) { return null; }
      if (child.id === 0x4282) {
        var docType = "";
        for (var i = data; i < data + child.size && bytes[i] !== 0; i++) { docType += String.fromCharCode(bytes[i]); }
        return docType === "matroska" ? "mkv" : docType === "webm" ? "webm" : null;
      }
      index = data + child.size;
    }
  }

  // The type (the server's file extension for it) of a file starting with `bytes`, or null when none is accepted.
  function sniff(bytes) {
    if (startsWith(bytes, [0xFF, 0xD8, 0xFF])) { return "jpg"; }
    if (startsWith(bytes, [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A])) { return "png"; }
    var box = isobmff(bytes);
    if (box) { return box; }
    if (startsWithText(bytes, "GIF87a") || startsWithText(bytes, "GIF89a")) { return "gif"; }
    if (bytes.length >= 12) {
      var magic = text(bytes, 0, 4);
      var form = text(bytes, 8, 12);
      if (magic === "RIFF" && form === "WEBP") { return "webp"; }
      if (magic === "RIFF" && form === "WAVE") { return "wav"; }
      if (magic === "RIFF" && form === "AVI ") { return "avi"; }
      if (magic === "FORM" && (form === "AIFF" || form === "AIFC")) { return "aiff"; }
    }
    return audio(bytes) || matroska(bytes);
  }

  // Resolves to the type of `file` from its first bytes (null when none is accepted).
  function sniffFile(file) {
    var head = file.slice(0, PREFIX_LENGTH);
    var read = head.arrayBuffer ? head.arrayBuffer() : new Promise(function (resolve, reject) {
      var reader = new FileReader();
      reader.onload = function () { resolve(reader.result); };
      reader.onerror = function () { reject(reader.error); };
      reader.readAsArrayBuffer(head);
    });
    return read.then(function (buffer) { return sniff(new Uint8Array(buffer)); });
  }

  window.evidenceSniff = { sniff: sniff, sniffFile: sniffFile, prefixLength: PREFIX_LENGTH };
})();
