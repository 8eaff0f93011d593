// Wide tables scroll sideways on phones; keyboard users must be able to reach and scroll them (WCAG 2.1.1).
// Material wraps tables after the page loads, so this runs on its document$ signal.
// Each region needs a name of its own (axe: landmark-unique): a table without a caption is named after the heading
// above it, and numbered when one heading has several.
document$.subscribe(function () {
  var used = {};
  document.querySelectorAll(".md-typeset__scrollwrap").forEach(function (wrapper) {
    var caption = wrapper.previousElementSibling;
    var name;
    if (caption && caption.classList.contains("imap-caption")) {
      name = caption.textContent;
    } else {
      var heading = null;
      for (var node = wrapper.previousElementSibling; node && !heading; node = node.previousElementSibling) {
        if (/^H[1-6]$/.test(node.tagName)) {
          heading = node;
        }
      }
      name = "Table" + (heading ? " under " + heading.textContent.replace("¶", "").trim() : "");
    }
    used[name] = (used[name] || 0) + 1;
    wrapper.tabIndex = 0;
    wrapper.setAttribute("role", "region");
    wrapper.setAttribute("aria-label", (used[name] > 1 ? name + " (" + used[name] + ")" : name) + ", scrolls sideways");
  });
  // A code block wider than its box scrolls sideways too: keyboard users must reach it as well (WCAG 2.1.1).
  document.querySelectorAll(".md-typeset pre > code").forEach(function (code) {
    if (code.scrollWidth > code.clientWidth && !code.hasAttribute("tabindex")) {
      code.tabIndex = 0;
    }
  });
  // A glossary term can take focus from a tap (imap.css then shows its definition on a touch screen), not from Tab.
  document.querySelectorAll(".md-typeset abbr[title]").forEach(function (term) {
    if (!term.hasAttribute("tabindex")) {
      term.setAttribute("tabindex", "-1");
    }
  });
  // Material's search is a dialog without a name (axe: aria-dialog-name).
  var search = document.querySelector(".md-search[role='dialog']");
  if (search && !search.getAttribute("aria-label")) {
    search.setAttribute("aria-label", "Search the manual");
  }
});

// A chain-link icon (the shape of Material Design's "link" icon), drawn, not fetched.
var LINK_ICON =
  '<svg viewBox="0 0 24 24" aria-hidden="true" focusable="false"><path d="M3.9 12c0-1.71 1.39-3.1 3.1-3.1h4V7H7' +
  'c-2.76 0-5 2.24-5 5s2.24 5 5 5h4v-1.9H7c-1.71 0-3.1-1.39-3.1-3.1zM8 13h8v-2H8v2zm9-6h-4v1.9h4c1.71 0 3.1 1.39 ' +
  '3.1 3.1s-1.39 3.1-3.1 3.1h-4V17h4c2.76 0 5-2.24 5-5s-2.24-5-5-5z"/></svg>';

// Evidence tables become stacked cards on a phone (imap.css); explicit roles keep them a table for screen readers.
document$.subscribe(function () {
  document.querySelectorAll(".imap-evidence table").forEach(function (table) {
    table.setAttribute("role", "table");
    table.querySelectorAll("thead, tbody").forEach(function (group) { group.setAttribute("role", "rowgroup"); });
    table.querySelectorAll("tr").forEach(function (row) { row.setAttribute("role", "row"); });
    table.querySelectorAll("th").forEach(function (cell) { cell.setAttribute("role", "columnheader"); });
    table.querySelectorAll("td").forEach(function (cell) { cell.setAttribute("role", "cell"); });
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
  var status = document.getElementById("imap-copy-status");
  if (!status) {  // one polite live region says "Link copied" to screen readers
    status = document.createElement("span");
    status.id = "imap-copy-status";
    status.className = "md-visually-hidden";
    status.setAttribute("role", "status");
    document.body.appendChild(status);
  }
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
    button.innerHTML = LINK_ICON;
    button.title = "Copy the permanent link: " + address;
    button.setAttribute("aria-label", "Copy link to " + name + " (its permanent address)");
    button.dataset.address = address;
    button.addEventListener("click", function () {
      var done = function () {
        button.dataset.copied = "";
        button.title = "Link copied: " + address;
        status.textContent = "Link copied";
        setTimeout(function () { delete button.dataset.copied; status.textContent = ""; }, 2000);
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
