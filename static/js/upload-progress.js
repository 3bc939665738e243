// Upload progress for htmx forms marked `data-upload-progress` (the election results CSV).
//
// htmx 4 sends requests with fetch, which reports no upload progress. For these forms the
// request is handed to XMLHttpRequest instead (htmx lets `htmx:config:request` supply its own
// `ctx.fetch`), whose upload events drive the form's <progress>. Without JavaScript the form
// simply posts; if anything here fails, htmx's own fetch is used and the bar just runs.
(function () {
  "use strict";

  function parts(form) {
    return {
      box: form.querySelector("[data-progress]"),
      bar: form.querySelector("[data-progress] progress"),
      status: form.querySelector("[data-progress-status]"),
    };
  }

  function headersOf(xhr) {
    var headers = new Headers();
    xhr.getAllResponseHeaders().trim().split(/[\r\n]+/).forEach(function (line) {
      var at = line.indexOf(":");
      if (at > 0) {
        headers.append(line.slice(0, at).trim(), line.slice(at + 1).trim());
      }
    });
    return headers;
  }

  // A fetch() look-alike over XMLHttpRequest that reports upload progress to `bar`.
  function progressFetch(bar) {
    return function (url, init) {
      return new Promise(function (resolve, reject) {
        var xhr = new XMLHttpRequest();
        xhr.open(init.method || "POST", url);
        var headers = init.headers || {};
        Object.keys(headers).forEach(function (name) {
          xhr.setRequestHeader(name, headers[name]);
        });
        xhr.upload.addEventListener("progress", function (event) {
          if (bar && event.lengthComputable) {
            bar.value = Math.round((event.loaded / event.total) * 100);
          }
        });
        xhr.addEventListener("load", function () {
          var empty = xhr.status === 204 || xhr.status === 205 || xhr.status === 304;
          resolve(new Response(empty ? null : xhr.responseText, {
            status: xhr.status,
            statusText: xhr.statusText,
            headers: headersOf(xhr),
          }));
        });
        xhr.addEventListener("error", function () { reject(new TypeError("Network error")); });
        xhr.addEventListener("abort", function () {
          reject(new DOMException("Aborted", "AbortError"));
        });
        if (init.signal) {
          init.signal.addEventListener("abort", function () { xhr.abort(); });
        }
        xhr.send(init.body);
      });
    };
  }

  function formOf(event) {
    var source = event.target;
    return source && source.closest ? source.closest("form[data-upload-progress]") : null;
  }

  document.addEventListener("htmx:config:request", function (event) {
    var form = formOf(event);
    var ctx = event.detail && event.detail.ctx;
    if (!form || !ctx || !window.XMLHttpRequest) {
      return;
    }
    ctx.fetch = progressFetch(parts(form).bar);
  });

  document.addEventListener("htmx:before:request", function (event) {
    var form = formOf(event);
    if (!form) {
      return;
    }
    var found = parts(form);
    if (found.bar) {
      found.bar.removeAttribute("value"); // indeterminate until the first progress event
    }
    if (found.box) {
      found.box.hidden = false;
    }
    if (found.status) {
      found.status.textContent = found.status.dataset.busyText || "";
    }
    form.setAttribute("aria-busy", "true");
  });

  document.addEventListener("htmx:finally:request", function (event) {
    var form = formOf(event);
    if (!form) {
      return;
    }
    var found = parts(form);
    if (found.bar) {
      found.bar.value = 100;
    }
    form.removeAttribute("aria-busy");
  });
})();
