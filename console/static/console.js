// bondflow console: our own small script. Every action works without it; it only adds
// a confirmation to buttons marked data-confirm.
"use strict";
document.addEventListener("submit", (event) => {
  const button = event.submitter;
  const question = button && button.dataset ? button.dataset.confirm : undefined;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
