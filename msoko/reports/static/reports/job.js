// Polls a report job's status and shows progress, then the download link (no inline script: CSP).
(function () {
  var box = document.getElementById("report-job");
  if (!box) return;
  var url = box.getAttribute("data-status-url");
  var bar = document.getElementById("report-progress");
  var stage = document.getElementById("report-stage");
  var link = document.getElementById("report-download");
  var error = document.getElementById("report-error");
  function tick() {
    fetch(url, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (s) {
      bar.value = s.progress;
      stage.textContent = s.status_label + (s.stage ? ": " + s.stage : "");
      if (s.status === "done") {
        link.href = s.download;
        link.textContent = "Скачать " + s.file_name;
        link.hidden = false;
        return;
      }
      if (s.status === "failed") {
        error.textContent = s.error;
        error.hidden = false;
        return;
      }
      setTimeout(tick, 700);
    }).catch(function () { setTimeout(tick, 2000); });
  }
  tick();
})();
