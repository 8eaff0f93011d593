// Wide tables scroll sideways on phones; keyboard users must be able to reach and scroll them (WCAG 2.1.1).
// Material wraps tables after the page loads, so this runs on its document$ signal.
document$.subscribe(function () {
  document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrapper) {
    var caption = wrapper.previousElementSibling;
    wrapper.tabIndex = 0;
    wrapper.setAttribute("role", "region");
    wrapper.setAttribute(
      "aria-label",
      caption && caption.classList.contains("imap-caption") ? caption.textContent : "Table (scrolls sideways)"
    );
  });
});
