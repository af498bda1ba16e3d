// baocao: what JavaScript adds to pages that work without it. No inline
// script anywhere (the Content-Security-Policy forbids it): behaviour hangs
// on data- attributes and htmx events.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  // An upload form (partial "upload"): drop a file on the box, see its name
  // and, while htmx sends it, a progress bar.
  function enhanceUpload(form) {
    if (form.dataset.enhanced) return;
    form.dataset.enhanced = "1";
    var input = form.querySelector("input[type=file]");
    var zone = form.querySelector(".dropzone");
    var name = form.querySelector("[data-upload-file]");
    var box = form.querySelector("[data-upload-progress]");
    var bar = box && box.querySelector("progress");
    var pct = box && box.querySelector("[data-upload-percent]");

    function showName() {
      var f = input.files && input.files[0];
      name.textContent = f ? "Tệp đã chọn: " + f.name + " (" + Math.max(1, Math.round(f.size / 1024)).toLocaleString("vi-VN") + " KB)" : "";
    }
    input.addEventListener("change", showName);

    ["dragenter", "dragover"].forEach(function (t) {
      zone.addEventListener(t, function (e) {
        e.preventDefault();
        zone.classList.add("dragover");
      });
    });
    ["dragleave", "drop"].forEach(function (t) {
      zone.addEventListener(t, function (e) {
        e.preventDefault();
        zone.classList.remove("dragover");
      });
    });
    zone.addEventListener("drop", function (e) {
      if (!e.dataTransfer || !e.dataTransfer.files.length) return;
      input.files = e.dataTransfer.files;
      showName();
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });

    if (!box) return;
    form.addEventListener("htmx:beforeRequest", function () {
      bar.value = 0;
      pct.textContent = "0%";
      box.hidden = false;
    });
    form.addEventListener("htmx:xhr:progress", function (e) {
      if (!e.detail.lengthComputable || !e.detail.total) return;
      var p = Math.round((e.detail.loaded / e.detail.total) * 100);
      bar.value = p;
      pct.textContent = p + "%";
    });
    form.addEventListener("htmx:afterRequest", function () {
      box.hidden = true;
    });
  }

  function init(root) {
    if (!root || !root.querySelectorAll) return;
    if (root.matches && root.matches("[data-upload]")) enhanceUpload(root);
    root.querySelectorAll("[data-upload]").forEach(enhanceUpload);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { init(document); });
  } else {
    init(document);
  }
  // Content htmx swaps in.
  document.addEventListener("htmx:load", function (e) { init(e.target); });
})();
