// Progress of the answer page: how many questions are answered, updated as the student goes. Without JavaScript,
// the page still numbers its parts and lists what is missing after sending.
(function () {
  "use strict";
  var form = document.getElementById("survey-form");
  var bar = document.getElementById("survey-progress");
  if (!form || !bar) { return; }
  var holder = bar.parentElement;
  var label = document.getElementById("survey-progress-label");
  var questions = Array.prototype.slice.call(form.querySelectorAll(".survey-question"));
  var template = form.getAttribute("data-progress-label") || "%(answered)s / %(total)s";
  function answered(question) {
    var inputs = question.querySelectorAll("input, textarea");
    for (var i = 0; i < inputs.length; i++) {
      var input = inputs[i];
      if ((input.type === "radio" || input.type === "checkbox") && input.checked) { return true; }
      if (input.tagName === "TEXTAREA" && input.value.trim() !== "") { return true; }
    }
    return false;
  }
  function update() {
    var done = questions.filter(answered).length;
    bar.value = done;
    label.textContent = template.replace("%(answered)s", done).replace("%(total)s", questions.length);
  }
  holder.hidden = false;
  form.addEventListener("change", update);
  form.addEventListener("input", update);
  update();
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();
