// Analyst workflow behaviour: CSRF on plain forms, 409/422 swaps, autocomplete,
// review-queue keyboard shortcuts, and evidence selection for manual records.
(function () {
  "use strict";

  function csrf() {
    return document.body ? document.body.dataset.csrf || "" : "";
  }

  // Plain POST forms that lack the token (e.g. added by other pages) get it on submit.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    if ((form.getAttribute("method") || "get").toLowerCase() !== "post") return;
    if (form.querySelector("input[name=csrf_token]")) return;
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = "csrf_token";
    input.value = csrf();
    form.appendChild(input);
  }, true);

  // A conflict (409) or invalid input (422) comes back as markup to show in place.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 409 || status === 422) {
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  // ---- autocomplete -------------------------------------------------------------------------
  var timers = new WeakMap();

  function listFor(input) {
    return input.parentElement.querySelector(".suggestions");
  }

  function idInput(input) {
    var scope = input.closest("form") || document;
    return scope.querySelector("input[type=hidden][name='" + input.dataset.idField + "']");
  }

  function showNewEntity(input, isNew) {
    var scope = input.closest("form") || document;
    var extra = scope.querySelector("[data-new-for='" + input.dataset.idField + "']");
    if (extra) extra.hidden = !isNew;
  }

  function choose(input, button) {
    input.value = button.dataset.name;
    var hidden = idInput(input);
    if (hidden) hidden.value = button.dataset.id;
    showNewEntity(input, button.dataset.id === "new");
    var list = listFor(input);
    list.hidden = true;
    list.innerHTML = "";
    input.focus();
  }

  function lookUp(input) {
    var q = input.value.trim();
    var list = listFor(input);
    if (!q) {
      list.hidden = true;
      list.innerHTML = "";
      return;
    }
    fetch("/autocomplete/" + input.dataset.autocomplete + "?q=" + encodeURIComponent(q), {
      headers: { "HX-Request": "true" },
      credentials: "same-origin",
    })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        if (input.value.trim() !== q) return; // a newer keystroke won
        list.innerHTML = html;
        list.hidden = !html.trim();
      });
  }

  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.dataset.autocomplete) return;
    // Typed text no longer names the chosen entity.
    var hidden = idInput(input);
    if (hidden) hidden.value = "";
    showNewEntity(input, false);
    clearTimeout(timers.get(input));
    timers.set(input, setTimeout(function () { lookUp(input); }, 150));
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest(".suggestions button");
    if (!button) return;
    var input = button.closest(".ac").querySelector("input[data-autocomplete]");
    choose(input, button);
  });

  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!(input instanceof HTMLInputElement) || !input.dataset.autocomplete) return;
    var list = listFor(input);
    if (list.hidden) return;
    var buttons = Array.prototype.slice.call(list.querySelectorAll("button"));
    var active = list.querySelector("button.active");
    var index = buttons.indexOf(active);
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      if (active) active.classList.remove("active");
      index = event.key === "ArrowDown" ? Math.min(index + 1, buttons.length - 1) : Math.max(index - 1, 0);
      if (buttons[index]) buttons[index].classList.add("active");
    } else if (event.key === "Enter" && active) {
      event.preventDefault();
      choose(input, active);
    } else if (event.key === "Escape") {
      list.hidden = true;
    }
  });

  // ---- review queue keyboard ----------------------------------------------------------------
  var currentId = null;

  function queue() { return document.querySelector("[data-review]"); }

  function cards() {
    var q = queue();
    return q ? Array.prototype.slice.call(q.querySelectorAll(".movement-card")) : [];
  }

  function setCurrent(card) {
    cards().forEach(function (c) { c.classList.remove("current"); c.removeAttribute("aria-current"); });
    if (!card) { currentId = null; return; }
    currentId = card.dataset.movement;
    card.classList.add("current");
    card.setAttribute("aria-current", "true");
    card.scrollIntoView({ block: "nearest" });
  }

  function current() {
    var all = cards();
    var found = all.filter(function (c) { return c.dataset.movement === currentId; })[0];
    return found || all[0] || null;
  }

  function move(step) {
    var all = cards();
    if (!all.length) return;
    var index = all.indexOf(current());
    setCurrent(all[Math.max(0, Math.min(all.length - 1, index + step))]);
  }

  function nextPending(fromCard) {
    var all = cards();
    var start = all.indexOf(fromCard);
    for (var i = start + 1; i < all.length; i++) {
      if (all[i].classList.contains("review-pending")) return all[i];
    }
    return all[Math.min(start + 1, all.length - 1)] || fromCard;
  }

  var advanceAfterSwap = false;

  document.addEventListener("keydown", function (event) {
    if (!queue() || event.ctrlKey || event.metaKey || event.altKey) return;
    var target = event.target;
    if (target.closest && target.closest("input, textarea, select, [contenteditable]")) {
      if (event.key === "Escape") {
        var cancel = target.closest(".movement-card") && target.closest(".movement-card").querySelector("[data-action=cancel]");
        if (cancel) cancel.click();
      }
      return;
    }
    var card = current();
    if (!card) return;
    var action = { c: "confirm", r: "reject", e: "edit" }[event.key];
    if (event.key === "j") { event.preventDefault(); move(1); }
    else if (event.key === "k") { event.preventDefault(); move(-1); }
    else if (event.key === "x") {
      var box = card.querySelector("input.select");
      if (box) { event.preventDefault(); box.checked = !box.checked; }
    } else if (action) {
      var button = card.querySelector("[data-action=" + action + "]:not([disabled])");
      if (button) {
        event.preventDefault();
        advanceAfterSwap = action !== "edit";
        setCurrent(card);
        button.click();
      }
    }
  });

  // htmx:load fires on every element htmx inserts, even when outerHTML replaced the target.
  document.addEventListener("htmx:load", function (event) {
    var el = event.target;
    if (!queue() || !el.classList) return;
    if (el.id === "queue") { setCurrent(cards()[0] || null); return; }
    if (!el.classList.contains("movement-card")) return;
    if (el.dataset.movement !== currentId) return;
    if (advanceAfterSwap && el.classList.contains("review-pending") === false) {
      advanceAfterSwap = false;
      setCurrent(nextPending(el));
      return;
    }
    advanceAfterSwap = false;
    setCurrent(el);
    var field = el.matches("form") && el.querySelector("input[name=unit_text]");
    if (field) field.focus();
  });

  document.addEventListener("click", function (event) {
    var card = event.target.closest && event.target.closest("[data-review] .movement-card");
    if (card) setCurrent(card);
  });

  document.addEventListener("DOMContentLoaded", function () {
    if (queue()) setCurrent(cards()[0] || null);
  });

  // ---- manual records: the selected evidence becomes character offsets ---------------------
  function offsetIn(container, node, offset) {
    var range = document.createRange();
    range.selectNodeContents(container);
    range.setEnd(node, offset);
    return range.toString().length;
  }

  document.addEventListener("selectionchange", function () {
    var container = document.getElementById("source-text");
    if (!container) return;
    var selection = window.getSelection();
    if (!selection || selection.isCollapsed || !selection.rangeCount) return;
    var range = selection.getRangeAt(0);
    if (!container.contains(range.startContainer) || !container.contains(range.endContainer)) return;
    var start = offsetIn(container, range.startContainer, range.startOffset);
    var end = offsetIn(container, range.endContainer, range.endOffset);
    if (end <= start) return;
    document.getElementById("evidence_start").value = start;
    document.getElementById("evidence_end").value = end;
    document.getElementById("evidence-preview").textContent = container.textContent.slice(start, end);
  });
})();
