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

// "Copy link" on item pages: the permanent address of the item (its title) or of a section in it (its headings).
// The address is id/<ID>/ (+ #section), which keeps working whatever the item's title or file is called later. It is
// made from where the page is served (the site's root as Material knows it), so it resolves on the published site,
// in a released version, on a local preview and in a copy opened from disk alike.
document$.subscribe(function () {
  var meta = document.querySelector('meta[name="imap-permalink"]');
  var config = document.getElementById("__config");
  if (!meta || !config) {
    return;
  }
  var root = new URL((JSON.parse(config.textContent).base || ".") + "/", location.href);
  var base = new URL(meta.getAttribute("content"), root).href;
  var headings = document.querySelectorAll("article.md-content__inner > h1, article.md-content__inner > h2[id], article.md-content__inner > h3[id]");
  headings.forEach(function (heading) {
    if (heading.querySelector(".imap-copy-link")) {
      return;
    }
    var address = heading.tagName === "H1" ? base : base + "#" + heading.id;
    var name = heading.tagName === "H1" ? "this page" : "the section " + heading.textContent.replace("¶", "").trim();
    var button = document.createElement("button");
    button.type = "button";
    button.className = "imap-copy-link";
    button.textContent = "Copy link";
    button.title = address;
    button.setAttribute("aria-label", "Copy link to " + name + " (its permanent address)");
    button.dataset.address = address;
    button.addEventListener("click", function () {
      var done = function () {
        button.textContent = "Link copied";
        setTimeout(function () { button.textContent = "Copy link"; }, 2000);
      };
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(address).then(done, function () { window.prompt("Permanent link:", address); });
      } else {
        window.prompt("Permanent link:", address);
      }
    });
    heading.appendChild(button);
  });
});
