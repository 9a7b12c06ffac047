// Small behaviours without inline handlers (the Content-Security-Policy forbids them).
// <select data-autosubmit> submits its form on change;
// <select data-href-template="/directions/{value}/?tab=x"> navigates to the template with the value.
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el.matches("select[data-autosubmit]") && el.form) {
    el.form.submit();
  } else if (el.matches("select[data-href-template]")) {
    window.location.href = el.getAttribute("data-href-template").replace("{value}", encodeURIComponent(el.value));
  }
});
