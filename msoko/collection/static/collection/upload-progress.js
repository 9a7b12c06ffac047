/* Upload progress: poll the job status every second, update <progress>, reload when finished. */
(function () {
  var box = document.getElementById("job-status");
  if (!box || box.dataset.finished === "1") { return; }
  var bar = document.getElementById("job-progress");
  var stage = document.getElementById("job-stage");
  var label = document.getElementById("job-label");
  function poll() {
    fetch(box.dataset.url, {credentials: "same-origin", headers: {"Accept": "application/json"}})
      .then(function (response) { return response.json(); })
      .then(function (s) {
        bar.value = s.percent;
        bar.textContent = s.percent + " %";
        stage.textContent = s.stage + " — " + s.percent + " %";
        label.textContent = s.status_label;
        if (s.finished) { window.location.reload(); } else { setTimeout(poll, 1000); }
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  setTimeout(poll, 1000);
})();
