// Photo upload with progress (the wound assessment form). Same origin, no inline script: the
// page loads this file (Content-Security-Policy script-src 'self').
// The form is sent as it is (the same fields, the same form key): a resend stores once. The
// server answers {"next": url} when stored, or the form again with its errors.
(function () {
  "use strict";
  var forms = document.querySelectorAll("form[data-upload]");
  Array.prototype.forEach.call(forms, function (form) {
    var sending = false;
    form.addEventListener("submit", function (event) {
      if (!window.FormData || !window.XMLHttpRequest) {
        return; // the browser sends the form itself, without progress
      }
      event.preventDefault();
      if (sending) {
        return; // a double tap
      }
      sending = true;
      var bar = form.querySelector("progress.upload");
      var status = form.querySelector(".upload-status");
      var button = form.querySelector("button[type=submit]");
      button.disabled = true;
      bar.hidden = false;
      bar.value = 0;
      status.textContent = form.getAttribute("data-sending");
      var request = new XMLHttpRequest();
      request.open("POST", form.getAttribute("action") || window.location.href);
      request.setRequestHeader("X-Telemon-Upload", "1");
      request.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) {
          bar.value = Math.round((e.loaded / e.total) * 100);
          status.textContent = form.getAttribute("data-sending") + " " + bar.value + " %";
        }
      });
      request.addEventListener("load", function () {
        var type = request.getResponseHeader("Content-Type") || "";
        if (request.status === 200 && type.indexOf("application/json") === 0) {
          bar.value = 100;
          window.location.assign(JSON.parse(request.responseText).next);
          return;
        }
        // The form with its errors (or an error page): show what the server answered.
        document.open();
        document.write(request.responseText);
        document.close();
      });
      request.addEventListener("error", function () {
        sending = false;
        button.disabled = false;
        bar.hidden = true;
        status.textContent = form.getAttribute("data-failed");
      });
      request.send(new FormData(form));
    });
  });
})();
