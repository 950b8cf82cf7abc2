/* The messages shown after an action (django.contrib.messages, in #messages of base.html): heard and reached.
   They are in the page when it loads, where a screen reader does not announce them (a live region speaks what
   changes after load) and the keyboard starts again from the top. So, once the page has loaded, each message's
   text is written again into its live region (role="status", or "alert" for a warning or an error), and focus
   moves to the first message: the person hears what their action did and goes on from there (WCAG 4.1.3, 2.4.3).
   A page that puts focus elsewhere itself (the error summary of a form, a field with autofocus) keeps it. */
(function () {
  "use strict";
  var region = document.getElementById("messages");
  if (!region) {
    return;
  }
  var messages = region.querySelectorAll("[data-message]");
  if (!messages.length) {
    return;
  }
  var texts = [];
  messages.forEach(function (message) {
    var text = message.querySelector("[data-message-text]");
    texts.push(text.textContent);
    text.textContent = "";
  });
  // After a moment, so that assistive technologies have seen the empty live regions before they are written.
  window.setTimeout(function () {
    messages.forEach(function (message, index) {
      message.querySelector("[data-message-text]").textContent = texts[index];
    });
    var active = document.activeElement;
    var focusedElsewhere = active && active !== document.body && active !== document.documentElement;
    if (!focusedElsewhere && !document.getElementById("form-errors")) {
      messages[0].focus();
    }
  }, 150);
})();
