// docxform console: drag-and-drop returns with progress. No framework, nothing from another site.
// Without this script the form still works: the files are posted and the page shows the lines.
"use strict";
(function () {
  var form = document.getElementById("returns-form");
  if (!form || !window.fetch || !window.XMLHttpRequest) { return; }
  var csrf = document.querySelector('meta[name="csrf-token"]').getAttribute("content");
  var input = document.getElementById("files");
  var zone = document.getElementById("dropzone");
  var list = document.getElementById("lines");
  var summary = document.getElementById("summary");
  var progress = document.getElementById("progress");
  var uploadBar = document.getElementById("upload-bar");
  var uploadText = document.getElementById("upload-text");
  var processBar = document.getElementById("process-bar");
  var processText = document.getElementById("process-text");
  var busy = false;

  function addLine(text, outcome) {
    var none = document.getElementById("no-lines");
    if (none) { none.remove(); }
    var li = document.createElement("li");
    li.className = "line " + String(outcome || "other").replace(/ /g, "-");
    li.textContent = text;  // respondents' text: always as text, never markup
    list.appendChild(li);
  }

  function sendOne(file) {
    return new Promise(function (resolve) {
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.dataset.upload);
      xhr.setRequestHeader("X-CSRF-Token", csrf);
      xhr.setRequestHeader("X-File-Name", encodeURIComponent(file.name));
      xhr.setRequestHeader("Content-Type", "application/octet-stream");
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable) { uploadBar.value = Number(uploadBar.dataset.done || 0) + e.loaded / e.total; }
      };
      xhr.onload = function () {
        var data = null;
        try { data = JSON.parse(xhr.responseText); } catch (err) { data = null; }
        if (xhr.status === 200 && data && data.id) { resolve({ id: data.id }); return; }
        resolve({ line: data && data.text ? data : { text: file.name + ": refused (" + xhr.status + ")", outcome: "refused" } });
      };
      xhr.onerror = function () { resolve({ line: { text: file.name + ": not sent (the console did not answer)", outcome: "refused" } }); };
      xhr.send(file);
    });
  }

  async function receive(files) {
    if (busy || !files.length) { return; }
    busy = true;
    progress.hidden = false;
    uploadBar.max = files.length; uploadBar.value = 0; uploadBar.dataset.done = 0;
    processBar.max = files.length; processBar.value = 0;
    processText.textContent = "";
    var ids = [];
    var lines = 0;
    for (var i = 0; i < files.length; i++) {
      uploadText.textContent = (i + 1) + " of " + files.length + ": " + files[i].name;
      var got = await sendOne(files[i]);
      uploadBar.dataset.done = i + 1; uploadBar.value = i + 1;
      if (got.id) { ids.push(got.id); } else { addLine(got.line.text, got.line.outcome); lines++; }
    }
    uploadText.textContent = files.length + " of " + files.length + " sent";
    if (ids.length) { lines += await processAll(ids); }
    summary.textContent = "Done: " + lines + " line" + (lines === 1 ? "" : "s") + " for " + files.length + " file" + (files.length === 1 ? "" : "s") + ".";
    processBar.value = processBar.max;
    busy = false;
    input.value = "";
  }

  async function processAll(ids) {
    var response = await fetch(form.dataset.process, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": csrf },
      body: JSON.stringify({ ids: ids })
    });
    if (!response.ok || !response.body) {
      addLine("The console refused the batch (" + response.status + ")", "unreadable");
      return 1;
    }
    var reader = response.body.getReader();
    var decoder = new TextDecoder();
    var rest = "";
    var count = 0;
    for (;;) {
      var chunk = await reader.read();
      if (chunk.done) { break; }
      rest += decoder.decode(chunk.value, { stream: true });
      var parts = rest.split("\n");
      rest = parts.pop();
      parts.forEach(function (text) {
        if (!text) { return; }
        var line = JSON.parse(text);
        addLine(line.text, line.outcome);
        count++;
        processBar.value = Math.min(count, ids.length);
        processText.textContent = count + " line" + (count === 1 ? "" : "s") + " so far";
      });
    }
    return count;
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    receive(Array.prototype.slice.call(input.files));
  });
  zone.addEventListener("dragover", function (e) { e.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", function () { zone.classList.remove("over"); });
  zone.addEventListener("drop", function (e) {
    e.preventDefault();
    zone.classList.remove("over");
    receive(Array.prototype.slice.call(e.dataTransfer.files));
  });
})();
