// The generation page of Genvault's routes: while a generation is live, its text fills in from the
// event stream. The page holds the text stored when it was served; the stream starts after it
// (?after=N), and a reconnect resumes from the last event's ID, so nothing is shown twice or lost.
// Text is added as text (textContent), never as HTML.
(function () {
  "use strict";
  var main = document.querySelector("main[data-events]");
  if (!main || typeof EventSource === "undefined") {
    return;
  }
  var text = document.getElementById("text");
  var status = document.getElementById("status");
  var events = new EventSource(main.getAttribute("data-events") + "?after=" + main.getAttribute("data-offset"));
  events.addEventListener("delta", function (e) {
    var delta = JSON.parse(e.data);
    if (typeof delta.text === "string") {
      text.appendChild(document.createTextNode(delta.text));
    }
  });
  function end(e) {
    events.close();
    main.classList.remove("live");
    main.removeAttribute("data-events");
    var record = null;
    try {
      record = JSON.parse(e.data);
    } catch (ignored) {
      record = null;
    }
    if (record && record.status) {
      status.textContent = record.errorType ? record.status + " (" + record.errorType + ")" : record.status;
      main.setAttribute("data-status", record.status);
      finished(record);
    } else {
      status.textContent = "unavailable (reload the page)";
    }
  }
  function count(n) {
    return typeof n === "number" ? n.toLocaleString("en-US") : "?";
  }
  // What the server's page shows for a finished generation: usage, cost, and the error of a failed one.
  function finished(record) {
    var usage = document.getElementById("usage");
    if (usage) {
      usage.textContent = record.usage
        ? count(record.usage.inputTokens) + " in, " + count(record.usage.outputTokens) + " out"
        : "not reported";
    }
    var cost = document.getElementById("cost");
    if (cost) {
      cost.textContent = record.cost ? "$" + record.cost.usd : "unpriced";
    }
    if (record.errorType && !document.getElementById("error")) {
      var p = document.createElement("p");
      p.className = "error";
      p.id = "error";
      var strong = document.createElement("strong");
      strong.textContent = record.errorType;
      p.appendChild(strong);
      if (typeof record.errorMessage === "string") {
        p.appendChild(document.createTextNode(": " + record.errorMessage));
      }
      main.appendChild(p);
    }
  }
  events.addEventListener("end", end);
  events.addEventListener("error", function (e) {
    if (e.data) {
      end(e); // the generation failed: its record
    } else if (events.readyState === EventSource.CLOSED) {
      end({ data: "" }); // the stream is gone for good (signed out, deleted): stop waiting
    }
    // else the browser reconnects by itself, from the last event's ID
  });
})();
