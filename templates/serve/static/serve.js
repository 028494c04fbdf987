// assess serve: drag-and-drop multi-upload with receipts, and progress of long jobs.
// Plain JavaScript, no framework, no build step; every page works without it too.
(function () {
  "use strict";
  var csrf = document.body.getAttribute("data-csrf") || "";

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function receiptNode(r) {
    var ok = r.state === "已通过";
    var box = el("section", { "class": "receipt " + (ok ? "ok" : "bad"), "data-testid": "receipt", "data-state": r.state, "data-name": r.name });
    box.appendChild(el("h2", {}, r.name + ":" + r.state + (r.slot ? "(" + r.slot + ")" : "")));
    if (r.message) box.appendChild(el("p", { "class": "error" }, r.message));
    if (r.summary) box.appendChild(el("p", {}, r.summary));
    if (r.findings && r.findings.length) {
      var table = el("table", { "class": "findings", "data-testid": "receipt-findings" });
      var head = el("tr");
      ["级别", "工作表", "单元格", "问题"].forEach(function (t) { head.appendChild(el("th", {}, t)); });
      table.appendChild(el("thead")).appendChild(head);
      var body = table.appendChild(el("tbody"));
      r.findings.forEach(function (f) {
        var row = el("tr", { "class": f.severity === "错误" ? "err" : "warn", "data-code": f.code });
        [f.severity, f.sheet || "", f.cell || (f.row ? "第 " + f.row + " 行" : ""), f.message].forEach(function (t) {
          row.appendChild(el("td", {}, t));
        });
        body.appendChild(row);
      });
      box.appendChild(table);
    }
    return box;
  }

  // The totals and the units' and sources' tables as the server now has them (after an upload).
  function refreshStates() {
    if (!window.fetch || !window.DOMParser) return;
    fetch("/collect", { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) return;
        var fresh = new DOMParser().parseFromString(html, "text/html");
        ["collect-counts", "units-table", "sources-table"].forEach(function (id) {
          var now = document.getElementById(id), next = fresh.getElementById(id);
          if (now && next) now.replaceWith(document.importNode(next, true));
        });
      })
      .catch(function () { /* the link to refresh by hand stays */ });
  }

  function setupUpload() {
    var form = document.getElementById("upload-form");
    if (!form || !window.FormData || !window.XMLHttpRequest) return;
    var input = document.getElementById("upload-files");
    var zone = document.getElementById("drop-zone");
    var out = document.getElementById("receipts");
    var bar = document.getElementById("upload-bar");
    var text = document.getElementById("upload-text");
    var box = document.getElementById("upload-progress");

    function send(files) {
      if (!files || !files.length) return;
      var data = new FormData();
      data.append("csrf", csrf);
      var source = document.getElementById("upload-source");
      if (source) data.append("source", source.value);
      for (var i = 0; i < files.length; i++) data.append("files", files[i], files[i].name);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.getAttribute("action"));
      xhr.setRequestHeader("Accept", "application/json");
      xhr.setRequestHeader("X-CSRF-Token", csrf);
      box.hidden = false;
      text.textContent = "正在上传 " + files.length + " 个文件…";
      xhr.upload.onprogress = function (e) {
        if (e.lengthComputable) bar.value = Math.round(100 * e.loaded / e.total);
        if (e.loaded === e.total) text.textContent = "正在检查…";
      };
      xhr.onload = function () {
        var reply;
        try { reply = JSON.parse(xhr.responseText); } catch (err) { reply = { error: xhr.responseText }; }
        out.textContent = "";
        if (reply.error) {
          out.appendChild(el("p", { "class": "error", "data-testid": "upload-error" }, reply.error));
        } else {
          reply.receipts.forEach(function (r) { out.appendChild(receiptNode(r)); });
          var again = el("a", { href: "/collect", "data-testid": "refresh-table" }, "刷新单位状态");
          out.appendChild(el("p")).appendChild(again);
          refreshStates();
        }
        text.textContent = "完成";
        input.value = "";
      };
      xhr.onerror = function () { text.textContent = "上传失败,请检查网络后重试"; };
      xhr.send(data);
    }

    form.addEventListener("submit", function (e) { e.preventDefault(); send(input.files); });
    ["dragenter", "dragover"].forEach(function (t) {
      zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (t) {
      zone.addEventListener(t, function (e) { e.preventDefault(); zone.classList.remove("over"); });
    });
    zone.addEventListener("drop", function (e) { send(e.dataTransfer.files); });
  }

  function setupJob() {
    var job = document.getElementById("job");
    var form = document.getElementById("rank-form");
    if (!job) return;
    var bar = document.getElementById("job-bar");
    var text = document.getElementById("job-text");
    var error = document.getElementById("job-error");

    function poll(id) {
      var xhr = new XMLHttpRequest();
      xhr.open("GET", "/jobs/" + encodeURIComponent(id));
      xhr.setRequestHeader("Accept", "application/json");
      xhr.onload = function () {
        var j;
        try { j = JSON.parse(xhr.responseText); } catch (err) { return; }
        job.hidden = false;
        job.setAttribute("data-state", j.state);
        bar.value = j.percent;
        text.textContent = j.state === "运行中"
          ? j.stage + (j.total ? "(" + j.done + "/" + j.total + ")" : "") + ",已用 " + j.seconds + " 秒"
          : j.state + ",用时 " + j.seconds + " 秒";
        error.textContent = j.error || "";
        if (j.state === "运行中") setTimeout(function () { poll(id); }, 1000);
        else if (j.state === "已完成") window.location.href = "/results";
      };
      xhr.send();
    }

    var current = job.getAttribute("data-job");
    if (current && job.getAttribute("data-state") === "运行中") poll(current);
    if (form) {
      form.addEventListener("submit", function (e) {
        e.preventDefault();
        var xhr = new XMLHttpRequest();
        xhr.open("POST", form.getAttribute("action"));
        xhr.setRequestHeader("Accept", "application/json");
        xhr.setRequestHeader("X-CSRF-Token", csrf);
        xhr.onload = function () {
          var j;
          try { j = JSON.parse(xhr.responseText); } catch (err) { j = { error: xhr.responseText }; }
          if (j.id) { job.setAttribute("data-job", j.id); poll(j.id); } else { job.hidden = false; error.textContent = j.error; }
        };
        var data = new FormData();
        data.append("csrf", csrf);
        xhr.send(data);
      });
    }
  }

  document.addEventListener("DOMContentLoaded", function () { setupUpload(); setupJob(); });
})();
