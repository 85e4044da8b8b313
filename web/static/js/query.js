/* The query page's editor: CodeMirror on the textarea, and the named-query picker.
   Without this script the page still works: a plain textarea and server-side forms. */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  var textarea = document.getElementById("query");
  var form = document.getElementById("query-form");
  var select = document.getElementById("named-select");
  var nameInput = document.getElementById("named-name");
  var slot = document.getElementById("params-slot");
  var description = document.getElementById("named-description");
  if (!textarea || !form) { return; }

  var catalogue = [];
  var ui = {};
  try {
    catalogue = JSON.parse(document.getElementById("named-queries").textContent);
    ui = JSON.parse(document.getElementById("ui-text").textContent);
  } catch (e) { catalogue = []; }

  function find(name) {
    for (var i = 0; i < catalogue.length; i++) { if (catalogue[i].name === name) { return catalogue[i]; } }
    return null;
  }
  function squeeze(s) { return s.replace(/\s+/g, " ").trim(); }

  var editor = null;
  if (window.CodeMirror) {
    editor = window.CodeMirror.fromTextArea(textarea, {
      mode: "application/sparql-query",
      lineNumbers: true,
      indentUnit: 2,
      viewportMargin: Infinity,
      extraKeys: {
        "Ctrl-Enter": function () { submit(); },
        "Cmd-Enter": function () { submit(); },
        "Tab": false,        // keep Tab for moving focus (keyboard users)
        "Shift-Tab": false
      }
    });
    editor.getWrapperElement().setAttribute("aria-label", textarea.labels && textarea.labels[0] ? textarea.labels[0].textContent : "SPARQL");
  }
  function getText() { return editor ? editor.getValue() : textarea.value; }
  function setText(s) { if (editor) { editor.setValue(s); } else { textarea.value = s; } }
  function submit() {
    if (editor) { editor.save(); }
    var run = form.querySelector("button[name=run]");
    if (form.requestSubmit) { form.requestSubmit(run); } else { form.submit(); }
  }

  function buildParams(q) {
    while (slot.firstChild) { slot.removeChild(slot.firstChild); }
    if (!q || !q.params.length) { return; }
    var fs = document.createElement("fieldset");
    fs.className = "params";
    fs.id = "params";
    var legend = document.createElement("legend");
    legend.textContent = ui.params || "Parameters";
    fs.appendChild(legend);
    q.params.forEach(function (p) {
      var div = document.createElement("div");
      div.className = "field";
      var label = document.createElement("label");
      label.htmlFor = "param-" + p.name;
      label.textContent = p.label + " ";
      var code = document.createElement("code");
      code.textContent = "?" + p.name;
      label.appendChild(code);
      if (p.required) {
        var req = document.createElement("span");
        req.className = "req";
        req.textContent = ui.required || "(required)";
        label.appendChild(req);
      }
      var input = document.createElement("input");
      input.id = "param-" + p.name;
      input.name = p.name;
      input.value = p.value || "";
      input.type = p.kind === "iri" ? "url" : "text";
      if (p.kind === "iri") { input.className = "wide"; }
      if (p.required) { input.required = true; }
      div.appendChild(label);
      div.appendChild(input);
      fs.appendChild(div);
    });
    slot.appendChild(fs);
  }

  if (select) {
    select.addEventListener("change", function () {
      var q = find(select.value);
      nameInput.value = q ? q.name : "";
      description.textContent = q ? q.description : "";
      buildParams(q);
      if (q) { setText(q.text); }
    });
  }

  // Editing a named query's text turns it into free text: drop the name and its parameters.
  function onEdit() {
    var q = find(nameInput.value);
    if (q && squeeze(getText()) !== squeeze(q.text)) {
      nameInput.value = "";
      if (select) { select.value = ""; }
      description.textContent = "";
      buildParams(null);
    }
  }
  if (editor) { editor.on("change", onEdit); } else { textarea.addEventListener("input", onEdit); }

  form.addEventListener("submit", function () {
    if (editor) { editor.save(); }
    // A named query travels by name and parameters: a short, readable permalink.
    if (nameInput.value) { textarea.disabled = true; }
    else { nameInput.disabled = true; }
  });
  // Coming back through the history must not leave a field disabled by the submit handler.
  window.addEventListener("pageshow", function () { textarea.disabled = false; nameInput.disabled = false; });
  textarea.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); submit(); }
  });
})();
